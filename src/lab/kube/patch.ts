// The three patch formats the API server accepts:
// - JSON merge patch (RFC 7386): objects merge, null deletes, lists are replaced;
// - strategic merge patch (apimachinery/pkg/util/strategicpatch) for the fields we use: lists
//   carrying `patchMergeKey` in k8s.io/api types merge element-wise by that key, `$patch: delete`
//   removes an element, `$patch: replace` replaces, `$deleteFromPrimitiveList/<f>` removes
//   values; metadata.finalizers is a `patchStrategy:"merge"` set (values are unioned), lists
//   without a strategy (node spec.taints, tolerations, args) are replaced like a merge patch;
// - JSON patch (RFC 6902): add, remove, replace, move, copy, test with JSON pointers.
type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export class PatchError extends Error {}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// Merge keys by the last one or two path segments (list indexes are not part of the path).
const MERGE_KEYS: [RegExp, string][] = [
  [/(^|\.)(containers|initContainers|ephemeralContainers)\.ports$/, 'containerPort'],
  [/^spec\.ports$/, 'port'],
  [/(^|\.)(containers|initContainers|ephemeralContainers|env|volumes|imagePullSecrets|schedulingGates|allocatedResourcesStatus|resourceClaims)$/, 'name'],
  [/(^|\.)(volumeMounts)$/, 'mountPath'],
  [/(^|\.)(volumeDevices)$/, 'devicePath'],
  [/(^|\.)(conditions|addresses)$/, 'type'],
  [/(^|\.)(hostAliases|podIPs|hostIPs)$/, 'ip'],
  [/(^|\.)topologySpreadConstraints$/, 'topologyKey'],
  [/^metadata\.ownerReferences$/, 'uid'],
];
const PRIMITIVE_SETS = [/^metadata\.finalizers$/];

function mergeKeyFor(path: string): string | undefined {
  return MERGE_KEYS.find(([re]) => re.test(path))?.[1];
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((e) => !(isObject(e) && e.$patch !== undefined && Object.keys(e).length === 1)).map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(val);
  return out;
}

/**
 * The order the real server leaves a merged list in (strategicpatch normalizeElementOrder +
 * mergeSortedSlice): the patch's items in patch order, with the items only the server had
 * slotted in by their original positions; an item new to the server comes before the
 * server-only ones after it. So a new env var or condition lands first, not last.
 */
function orderLikeServer(merged: Json[], patchIds: Json[], originalIds: Json[], idOf: (e: Json) => Json): Json[] {
  const inPatch = (e: Json) => patchIds.includes(idOf(e));
  const byIndexIn = (ids: Json[]) => (a: Json, b: Json) => ids.indexOf(idOf(a)) - ids.indexOf(idOf(b));
  const patchItems = merged.filter(inPatch).sort(byIndexIn(patchIds));
  const serverOnly = merged.filter((e) => !inPatch(e)).sort(byIndexIn(originalIds));
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (j >= patchItems.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(patchItems[j++]);
    else {
      const left = originalIds.indexOf(idOf(serverOnly[i]));
      const right = originalIds.indexOf(idOf(patchItems[j]));
      out.push(left >= 0 && right >= 0 && left < right ? serverOnly[i++] : patchItems[j++]);
    }
  }
  return out;
}

function mergeList(path: string, target: Json[], patch: Json[]): Json[] {
  if (patch.some((e) => isObject(e) && e.$patch === 'replace')) return stripDirectives(patch) as Json[];
  const key = mergeKeyFor(path);
  if (PRIMITIVE_SETS.some((re) => re.test(path))) {
    const out = [...target];
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return orderLikeServer(out, patch, target, (e) => e);
  }
  if (!key) return stripDirectives(patch) as Json[];
  const out = target.map(clone);
  for (const item of patch) {
    if (!isObject(item)) throw new PatchError(`strategic merge patch: ${path} element is not an object`);
    const id = item[key];
    const at = out.findIndex((e) => isObject(e) && e[key] === id);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = strategicMerge(out[at], item, path);
    else out.push(stripDirectives(item));
  }
  const idOf = (e: Json) => (isObject(e) ? e[key] : undefined);
  const patchIds = patch.filter((e) => isObject(e) && e.$patch === undefined).map(idOf);
  return orderLikeServer(out, patchIds, target.map(idOf), idOf);
}

export function strategicMerge(target: Json, patch: Json, path = ''): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    const childPath = path ? `${path}.${k}` : k;
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const list = out[field];
      if (Array.isArray(list) && Array.isArray(v)) out[field] = list.filter((e) => !v.includes(e));
      continue;
    }
    if (v === null || (isObject(v) && v.$patch === 'delete')) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(childPath, Array.isArray(out[k]) ? (out[k] as Json[]) : [], v);
    else if (isObject(v)) out[k] = strategicMerge(out[k], v, childPath);
    else out[k] = v;
  }
  return out;
}

export interface JsonPatchOp { op: string; path: string; value?: Json; from?: string }

function pointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new PatchError(`JSON pointer must start with '/': "${p}"`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], op: string, path: string): { parent: JsonObject | Json[]; last: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    const next: Json = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (next === undefined || next === null || typeof next !== 'object') throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    cur = next;
  }
  if (cur === null || typeof cur !== 'object') throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return { parent: cur as JsonObject | Json[], last: tokens[tokens.length - 1]! };
}

function index(list: Json[], last: string, op: string, path: string, allowEnd: boolean): number {
  const i = last === '-' && allowEnd ? list.length : Number(last);
  if (!Number.isInteger(i) || i < 0 || i > list.length || (!allowEnd && i === list.length)) throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return i;
}

function getAt(doc: Json, path: string, op: string): Json {
  let cur = doc;
  for (const t of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
    if (cur === undefined) throw new PatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function removeAt(doc: Json, path: string, op: string): Json {
  const { parent, last } = parentOf(doc, pointer(path), op, path);
  if (Array.isArray(parent)) return parent.splice(index(parent, last, op, path, false), 1)[0];
  if (!Object.hasOwn(parent, last)) throw new PatchError(`Unable to remove nonexistent key: ${last}: missing value`);
  const old = parent[last];
  delete parent[last];
  return old;
}

function addAt(doc: Json, path: string, value: Json, op: string): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return clone(value);
  const { parent, last } = parentOf(doc, tokens, op, path);
  if (Array.isArray(parent)) parent.splice(index(parent, last, op, path, true), 0, clone(value));
  else parent[last] = clone(value);
  return doc;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be a JSON array of operations');
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    const { op, path } = raw;
    if (typeof path !== 'string') throw new PatchError(`operation missing "path" field`);
    switch (op) {
      case 'add': doc = addAt(doc, path, raw.value, op); break;
      case 'remove': removeAt(doc, path, op); break;
      case 'replace':
        getAt(doc, path, op);
        if (path === '') doc = clone(raw.value);
        else { removeAt(doc, path, op); doc = addAt(doc, path, raw.value, op); }
        break;
      case 'move': { const v = removeAt(doc, raw.from ?? '', op); doc = addAt(doc, path, v, op); break; }
      case 'copy': doc = addAt(doc, path, getAt(doc, raw.from ?? '', op), op); break;
      case 'test':
        if (JSON.stringify(getAt(doc, path, op)) !== JSON.stringify(raw.value)) throw new PatchError(`testing value ${path} failed: test failed`);
        break;
      default: throw new PatchError(`Unexpected kind: ${String(op)}`);
    }
  }
  return doc;
}
