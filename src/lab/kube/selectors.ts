// Label selectors (string form of labels.Parse and the metav1.LabelSelector object form) and
// field selectors with each resource's supported field labels (the real server answers 400
// "field label not supported: X" for others; see pkg/registry/*/strategy.go ToSelectableFields).
import { badRequest } from './status.js';
import type { KubeObject } from './store.js';

type Op = 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=';
interface Requirement { key: string; op: Op; values: string[] }
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

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
  }
}

/** Splits on commas outside parentheses. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const KEY = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

function checked(req: Requirement): Requirement {
  if (!KEY.test(req.key)) throw badRequest(`unable to parse requirement: key: Invalid value: ${JSON.stringify(req.key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  req.values.forEach((v, i) => {
    if (!VALUE.test(v)) throw badRequest(`unable to parse requirement: values[${i}][${req.key}]: Invalid value: ${JSON.stringify(v)}: ${VALUE_MSG}`);
  });
  return req;
}

function parseRequirement(text: string): Requirement {
  const fail = () => badRequest(`unable to parse requirement: found '${text}', expected: identifier or '!' or 'in', 'notin', '=', '==', '!='`);
  let m = /^!\s*(\S+)$/.exec(text);
  if (m) {
    if (!KEY.test(m[1]!)) throw fail();
    return { key: m[1]!, op: '!exists', values: [] };
  }
  m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (m) return checked({ key: m[1]!, op: m[2] as Op, values: m[3]!.split(',').map((v) => v.trim()) });
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (m) return checked({ key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] });
  if (KEY.test(text)) return { key: text, op: 'exists', values: [] };
  throw fail();
}

/** `app=web,tier!=db,env in (a,b),!legacy`: every requirement must hold. */
export function parseLabelSelector(selector: string | undefined): LabelMatcher {
  if (!selector || !selector.trim()) return () => true;
  const reqs = splitTop(selector).map(parseRequirement);
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

export type ObjectMatcher = (o: KubeObject) => boolean;

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
