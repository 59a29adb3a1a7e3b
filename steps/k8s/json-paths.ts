// Paths into plain JSON objects, for k8s.patch: which fields a patch touches, what they hold
// now, and what they will hold. A path is a list of segments (object keys or array indexes),
// so keys containing dots or slashes (annotations, labels) need no escaping.
type Segment = string | number;
export type JsonPath = Segment[];

type Json = unknown;
type JsonObject = Record<string, Json>;

export const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function getAt(root: Json, path: readonly Segment[]): { found: boolean; value?: Json } {
  let cur: Json = root;
  for (const seg of path) {
    // JSON pointers name array elements with digit strings.
    const index = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
    if (Array.isArray(cur) && index >= 0 && index < cur.length) cur = cur[index];
    else if (isObject(cur) && typeof seg === 'string' && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return { found: false };
  }
  return { found: true, value: cur };
}

export function formatPath(path: readonly Segment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z0-9_-]+$/.test(s) ? `${i ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/** JSON pointer (RFC 6901) -> segments; numeric segments stay strings until resolved. */
function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer "${pointer}" must start with /`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function toPointer(path: readonly Segment[]): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * The fields a merge or strategic merge patch replaces, walked against the current object:
 * a path ends where the patch stops being a map, or where the object has nothing (so undo
 * removes the whole subtree the patch created, not an empty parent). Lists are replaced whole
 * by a merge patch; for strategic patches a list counts as touched as a whole too, which is
 * what makes restoring its previous value exact.
 */
export function mergeTouchedPaths(current: Json, patch: Json, base: JsonPath = []): JsonPath[] {
  if (!isObject(patch)) return [base];
  const { found, value } = getAt(current, base);
  if (base.length && (!found || !isObject(value))) return [base];
  // Strategic directives that rewrite the whole map: `$patch: replace|delete`, `$retainKeys`.
  if (base.length && (patch.$patch !== undefined || patch.$retainKeys !== undefined)) return [base];
  const out: JsonPath[] = [];
  const seen = new Set<string>();
  const add = (p: JsonPath) => {
    const k = JSON.stringify(p);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  };
  for (const [key, v] of Object.entries(patch)) {
    // `$deleteFromPrimitiveList/finalizers`, `$setElementOrder/containers` name a sibling list.
    const directive = /^\$(deleteFromPrimitiveList|setElementOrder)\/(.+)$/.exec(key);
    if (directive) add([...base, directive[2]!]);
    else if (!key.startsWith('$')) for (const p of mergeTouchedPaths(current, v, [...base, key])) add(p);
  }
  return out;
}

/** JSON patch ops' paths, cut at the first array index: an index shifts as ops run, the array does not. */
export function jsonPatchTouchedPaths(current: Json, ops: readonly JsonPatchOp[]): JsonPath[] {
  const out: JsonPath[] = [];
  for (const op of ops) {
    if (op.op === 'test') continue;
    for (const pointer of [op.path, ...(op.op === 'move' ? [op.from] : [])]) {
      if (pointer === undefined) continue;
      const segs = parsePointer(pointer);
      const cut: JsonPath = [];
      let cur: Json = current;
      for (const s of segs) {
        if (Array.isArray(cur)) break;
        cut.push(s);
        cur = isObject(cur) ? cur[s] : undefined;
      }
      if (!cut.length) throw new Error(`JSON patch op on "${pointer}" would replace the whole object: not supported`);
      if (!out.some((p) => JSON.stringify(p) === JSON.stringify(cut))) out.push(cut);
    }
  }
  // A path inside another touched path is covered by its ancestor's saved value.
  return out.filter((p) => !out.some((q) => q !== p && q.length < p.length && q.every((s, i) => s === p[i])));
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: Json;
}

function parentAndKey(root: Json, pointer: string): { parent: Json; key: string } {
  const segs = parsePointer(pointer);
  if (!segs.length) throw new Error('JSON patch on the document root is not supported');
  const key = segs.pop()!;
  let parent: Json = root;
  for (const s of segs) {
    if (Array.isArray(parent)) parent = parent[Number(s)];
    else if (isObject(parent)) parent = parent[s];
    else parent = undefined;
    if (parent === undefined) throw new Error(`JSON patch path ${pointer}: ${s} does not exist`);
  }
  return { parent, key };
}

function readPointer(root: Json, pointer: string): Json {
  const { found, value } = getAt(root, parsePointer(pointer));
  if (!found) throw new Error(`JSON patch path ${pointer} does not exist`);
  return value;
}

/** RFC 6902 applied to a copy: what the server will do, for the plan's "after". */
export function applyJsonPatch(doc: Json, ops: readonly JsonPatchOp[]): Json {
  const root = structuredClone(doc);
  for (const op of ops) {
    const value = op.op === 'move' || op.op === 'copy' ? structuredClone(readPointer(root, op.from ?? '')) : op.value;
    if (op.op === 'test') {
      if (JSON.stringify(readPointer(root, op.path)) !== JSON.stringify(op.value)) throw new Error(`JSON patch test failed at ${op.path}`);
      continue;
    }
    if (op.op === 'remove' || op.op === 'move' || op.op === 'replace') {
      const at = op.op === 'move' ? op.from ?? '' : op.path;
      readPointer(root, at);
      const { parent, key } = parentAndKey(root, at);
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as JsonObject)[key];
    }
    if (op.op === 'add' || op.op === 'replace' || op.op === 'move' || op.op === 'copy') {
      const { parent, key } = parentAndKey(root, op.path);
      if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : Number(key), 0, value);
      else if (isObject(parent)) parent[key] = value;
      else throw new Error(`JSON patch path ${op.path}: parent is not a container`);
    }
  }
  return root;
}

/** RFC 7386 merge patch applied to a copy. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
