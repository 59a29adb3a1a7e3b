// Label selectors (string form of labels.Parse and the metav1.LabelSelector object form) and
// field selectors with each resource's supported field labels (the real server answers 400
// "field label not supported: X" for others; see pkg/registry/*/strategy.go ToSelectableFields).
import { parseRequirements } from './label-selector.js';
import type { Op, Requirement } from './label-selector.js';
import { badRequest } from './status.js';
import type { KubeObject } from './types.js';

type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

function matches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists': return has;
    case '!exists': return !has;
    case '=':
    case 'in': return has && req.values.includes(value!);
    case '!=':
    case 'notin': return !has || !req.values.includes(value!);
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(value!)) return false;
      return req.op === 'gt' ? Number(value) > Number(req.values[0]) : Number(value) < Number(req.values[0]);
    }
  }
}

const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const KEY = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

/** labels.NewRequirement's checks (texts of current releases: the lab answers as 1.32). */
function checked(req: Requirement): Requirement {
  if (!KEY.test(req.key)) throw new Error(`key: Invalid value: ${JSON.stringify(req.key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  if (req.op === 'gt' || req.op === 'lt') {
    if (!/^-?\d+$/.test(req.values[0] ?? '')) throw new Error(`values[0]: Invalid value: ${JSON.stringify(req.values[0] ?? '')}: for 'Gt', 'Lt' operators, the value must be an integer`);
    return req;
  }
  req.values.forEach((v, i) => {
    if (!VALUE.test(v)) throw new Error(`values[${i}][${req.key}]: Invalid value: ${JSON.stringify(v)}: ${VALUE_MSG}`);
  });
  return req;
}

/** `app=web,tier!=db,env in (a,b),!legacy`: every requirement must hold. */
export function parseLabelSelector(selector: string | undefined): LabelMatcher {
  if (!selector || !selector.trim()) return () => true;
  const reqs = parseRequirements(selector, checked);
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelectorAsSelector. An empty selector matches everything; `undefined` nothing. */
export function labelSelectorObjectMatcher(sel: LabelSelectorObject | undefined): LabelMatcher {
  if (!sel) return () => false;
  const reqs: Requirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, v]) => ({ key, op: '=', values: [v] }));
  for (const e of sel.matchExpressions ?? []) {
    const op: Op | undefined = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' } as const)[e.operator as 'In'];
    if (!op) return () => false;
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

export function isEmptyLabelSelector(sel: LabelSelectorObject | undefined): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

function path(obj: unknown, dotted: string): unknown {
  let cur = obj;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const bool = (v: unknown): string => (v === true ? 'true' : 'false');

type FieldGetter = (o: KubeObject) => string;
const direct = (p: string): FieldGetter => (o) => str(path(o, p));

const COMMON: Record<string, FieldGetter> = { 'metadata.name': direct('metadata.name'), 'metadata.namespace': direct('metadata.namespace') };

const BY_KIND: Record<string, Record<string, FieldGetter>> = {
  Pod: {
    'spec.nodeName': direct('spec.nodeName'),
    'spec.restartPolicy': direct('spec.restartPolicy'),
    'spec.schedulerName': direct('spec.schedulerName'),
    'spec.serviceAccountName': direct('spec.serviceAccountName'),
    'spec.hostNetwork': (o) => bool(path(o, 'spec.hostNetwork')),
    'status.phase': direct('status.phase'),
    'status.podIP': direct('status.podIP'),
    'status.nominatedNodeName': direct('status.nominatedNodeName'),
  },
  Node: { 'spec.unschedulable': (o) => bool(path(o, 'spec.unschedulable')) },
  Namespace: { 'status.phase': direct('status.phase') },
  Secret: { type: direct('type') },
  Event: {
    ...Object.fromEntries(['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [`involvedObject.${f}`, direct(`involvedObject.${f}`)])),
    reason: direct('reason'),
    type: direct('type'),
    source: direct('source.component'),
    reportingComponent: direct('reportingComponent'),
  },
};

type ObjectMatcher = (o: KubeObject) => boolean;

/** `spec.nodeName=x,status.phase!=Failed`; unknown field labels are a 400 like the real server. */
export function parseFieldSelector(kind: string, selector: string | undefined): ObjectMatcher {
  if (!selector || !selector.trim()) return () => true;
  const getters = { ...COMMON, ...(BY_KIND[kind] ?? {}) };
  const tests: ObjectMatcher[] = [];
  for (const term of selector.split(',').map((t) => t.trim()).filter(Boolean)) {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const getter = getters[m[1]!];
    // Kinds with their own field selectors (pods, nodes, events...) answer like their strategy's
    // conversion func; the others get the generic registry's answer (as a v1.20 apiserver does
    // for configmaps: see test/real-apiserver/v1-20-behaviour.test.ts).
    if (!getter) {
      throw badRequest(BY_KIND[kind] ? `field label not supported: ${m[1]}` : `"${m[1]}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    const want = m[3]!.replace(/\\(.)/g, '$1');
    tests.push(m[2] === '!=' ? (o) => getter(o) !== want : (o) => getter(o) === want);
  }
  return (o) => tests.every((t) => t(o));
}
