// The validation the lab enforces, with the real server's field paths and messages:
// object names (apimachinery/pkg/util/validation: IsDNS1123Subdomain / IsDNS1123Label) and
// PriorityClass (pkg/apis/scheduling/validation/validation.go, pkg/apis/scheduling/v1/helpers.go).
import type { ResourceType } from './resources.js';
import { invalid } from './status.js';
import type { FieldError } from './status.js';
import type { KubeObject } from './types.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** scheduling.HighestUserDefinablePriority */
const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** scheduling/v1 systemPriorityClasses: the only names allowed with the `system-` prefix. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-node-critical': 2_000_001_000, 'system-cluster-critical': 2_000_000_000 };
const SYSTEM_PREFIX = 'system-';

function nameErrors(t: ResourceType, name: string): FieldError[] {
  // Namespaces are DNS labels; everything else we serve is a DNS subdomain.
  const label = t.kind === 'Namespace';
  const [re, msg, max] = label ? [LABEL, LABEL_MSG, 63] : [SUBDOMAIN, SUBDOMAIN_MSG, 253];
  const errs: FieldError[] = [];
  if (name.length > max) errs.push({ field: 'metadata.name', type: 'Invalid value', value: name, detail: `must be no more than ${max} characters` });
  if (!re.test(name)) errs.push({ field: 'metadata.name', type: 'Invalid value', value: name, detail: msg });
  return errs;
}

function priorityClassErrors(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name;
  const value = typeof obj.value === 'number' ? obj.value : 0;
  if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
    errs.push({ field: 'value', type: 'Invalid value', value, detail: 'must be a 32-bit integer' });
  }
  if (old) {
    if (value !== (typeof old.value === 'number' ? old.value : 0)) errs.push({ field: 'Value', type: 'Forbidden', detail: 'may not be changed in an update.' }); // sic: field.NewPath("Value") upstream
    return errs;
  }
  if (name.startsWith(SYSTEM_PREFIX)) {
    const known = SYSTEM_PRIORITY_CLASSES[name];
    const globalDefault = obj.globalDefault === true;
    let why: string | undefined;
    if (known === undefined) why = `${name} is not a known system priority class`;
    else if (known !== value) why = `value of ${name} PriorityClass must be ${known}`;
    else if (globalDefault) why = `globalDefault of ${name} PriorityClass must be false`;
    if (why) errs.push({ field: 'metadata.name', type: 'Forbidden', detail: `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${why}` });
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push({ field: 'value', type: 'Forbidden', detail: `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}` });
  }
  const policy = obj.preemptionPolicy;
  if (policy !== undefined && policy !== 'PreemptLowerPriority' && policy !== 'Never') {
    errs.push({ field: 'preemptionPolicy', type: 'Unsupported value', value: policy, detail: 'supported values: "Never", "PreemptLowerPriority"' });
  }
  return errs;
}

/** Throws a 422 Invalid KubeStatusError when `obj` (a create when `old` is undefined) is invalid. */
export function validate(t: ResourceType, obj: KubeObject, old?: KubeObject): void {
  const errs: FieldError[] = [];
  const name = obj.metadata.name;
  if (!old) errs.push(...nameErrors(t, name));
  if (t.kind === 'PriorityClass') errs.push(...priorityClassErrors(obj, old));
  if (errs.length > 0) throw invalid({ group: t.group, kind: t.kind }, name, errs);
}

/** Create without name and generateName: `metadata.name: Required value: name or generateName is required`. */
export function requireName(t: ResourceType, obj: KubeObject): void {
  if (!obj.metadata?.name && !obj.metadata?.generateName) {
    throw invalid({ group: t.group, kind: t.kind }, '', [{ field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' }]);
  }
}
