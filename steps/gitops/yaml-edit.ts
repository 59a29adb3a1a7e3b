// Edits a YAML file's text the way a person would: a changed scalar is replaced in place
// (same quoting, comments and spacing around it untouched), a missing key is inserted as new
// lines at the end of its block map, so the Git diff shows only what changed. Only shapes
// that cannot be edited in place (flow or empty collections, a scalar becoming a map, block
// scalars) fall back to the `yaml` package's document model (`setIn` + `toString`), which
// keeps comments but may normalise spacing elsewhere in the file.
import { isMap, isScalar, isSeq, parseAllDocuments, stringify, visit } from 'yaml';
import type { Document, Scalar } from 'yaml';

type PathInput = string | Array<string | number>;

interface ValueEdit {
  path: PathInput;
  value: unknown;
}

interface Rename {
  from: string;
  to: string;
}

interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

interface EditResult {
  text: string;
  changes: FieldChange[];
  renamed: number;
  /** True when a structural edit went through the document model (spacing may be normalised). */
  reformatted: boolean;
}

/** `speaker.frr.resources` -> segments; a list form is taken as is (for keys containing dots). */
function pathSegments(path: PathInput): string[] {
  if (Array.isArray(path)) return path.map(String);
  const segs = path.split('.');
  if (segs.some((s) => s === '')) throw new Error(`path "${path}" has an empty segment`);
  return segs;
}

function parseDocs(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  for (const d of list) if (d.errors.length) throw new Error(`invalid YAML: ${d.errors[0]!.message}`);
  return list;
}

function pickDoc(docs: Document.Parsed[], index: number | undefined): Document.Parsed {
  if (docs.length > 1 && index === undefined) throw new Error(`the file holds ${docs.length} YAML documents: say which one with document: (0-based)`);
  const doc = docs[index ?? 0];
  if (!doc) throw new Error(docs.length ? `no document ${index} (the file holds ${docs.length})` : 'the file is empty');
  return doc;
}

const isPlainValue = (v: unknown): v is string | number | boolean | null => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function renderScalar(value: string | number | boolean | null, type: Scalar['type']): string | undefined {
  if (typeof value !== 'string') return value === null ? 'null' : String(value);
  if (value.includes('\n')) return undefined;
  if (type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Sequences written flush with their key (`key:\n- a`) stay that way in generated text. */
function indentSeqOf(text: string): boolean {
  return !/^(\s*)[^\s#-][^\n]*:\s*\n\1- /m.test(text);
}

function nested(segs: readonly string[], value: unknown): unknown {
  return segs.reduceRight<unknown>((acc, k) => ({ [k]: acc }), value);
}

function valueAt(doc: Document.Parsed, segs: readonly string[]): unknown {
  const node = doc.getIn(segs, false);
  return node === undefined ? undefined : JSON.parse(JSON.stringify(node ?? null));
}

type EditOutcome = { text: string; changed: boolean } | 'fallback';

/** One edit as a text splice, or 'fallback' when the shape needs the document model. */
function spliceEdit(text: string, doc: Document.Parsed, segs: readonly string[], value: unknown): EditOutcome {
  let node: unknown = doc.contents;
  let i = 0;
  while (i < segs.length) {
    const seg = segs[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(seg) && Number(seg) < node.items.length) {
      node = node.items[Number(seg)];
    } else break;
    i++;
  }
  if (i === segs.length) {
    if (!isScalar(node) || !isPlainValue(value) || !node.range || !['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'].includes(node.type ?? '')) return 'fallback';
    if (node.value === value) return { text, changed: false };
    if (node.range[0] === node.range[1]) return 'fallback'; // `key:` with no value written
    const rendered = renderScalar(value, node.type);
    if (rendered === undefined) return 'fallback';
    return { text: text.slice(0, node.range[0]) + rendered + text.slice(node.range[1]), changed: true };
  }
  if (!isMap(node) || node.flow || !node.items.length) return 'fallback';
  const first = node.items[0]!.key as { range?: [number, number, number] } | null;
  const last = node.items.at(-1)!;
  const end = ((last.value ?? last.key) as { range?: [number, number, number] } | null)?.range?.[1];
  if (!first?.range || end === undefined) return 'fallback';
  const column = first.range[0] - lineStart(text, first.range[0]);
  const block = stringify(nested(segs.slice(i), value), { lineWidth: 0, indentSeq: indentSeqOf(text) })
    .trimEnd()
    .split('\n')
    .map((l) => ' '.repeat(column) + l)
    .join('\n');
  if (text[end - 1] === '\n') return { text: `${text.slice(0, end)}${block}\n${text.slice(end)}`, changed: true };
  const nl = text.indexOf('\n', end);
  if (nl === -1) return { text: `${text}\n${block}\n`, changed: true };
  return { text: `${text.slice(0, nl + 1)}${block}\n${text.slice(nl + 1)}`, changed: true };
}

function renameSplices(text: string, docs: Document.Parsed[], rename: Rename): { text: string; count: number } {
  const ranges: Array<[number, number, Scalar['type']]> = [];
  for (const doc of docs) {
    visit(doc, {
      Scalar(key, node) {
        // Values only: a map key equal to `from` is a name of something else.
        if (key === 'key' || node.value !== rename.from || !node.range) return;
        if (!['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'].includes(node.type ?? '')) return;
        ranges.push([node.range[0], node.range[1], node.type]);
      },
    });
  }
  let out = text;
  for (const [start, end, type] of ranges.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + renderScalar(rename.to, type)! + out.slice(end);
  return { text: out, count: ranges.length };
}

export function editYaml(text: string, edits: readonly ValueEdit[], rename?: Rename, document?: number): EditResult {
  let current = text;
  let reformatted = false;
  const changes: FieldChange[] = [];
  for (const edit of edits) {
    const segs = pathSegments(edit.path);
    const docs = parseDocs(current);
    const doc = pickDoc(docs, document);
    const before = valueAt(doc, segs);
    const outcome = spliceEdit(current, doc, segs, edit.value);
    if (outcome === 'fallback') {
      if (docs.length > 1) throw new Error(`cannot edit ${segs.join('.')} in place in a multi-document file (its parent is a flow or empty collection, or a scalar)`);
      const keys = segs.map((s, i) => (isSeq(doc.getIn(segs.slice(0, i), true)) && /^\d+$/.test(s) ? Number(s) : s));
      doc.setIn(keys, edit.value);
      current = doc.toString({ lineWidth: 0, indentSeq: indentSeqOf(current), flowCollectionPadding: false });
      reformatted = true;
    } else {
      if (!outcome.changed) continue;
      current = outcome.text;
    }
    changes.push({ path: segs.join('.'), before, after: edit.value });
  }
  let renamed = 0;
  if (rename && rename.from !== rename.to) {
    const r = renameSplices(current, parseDocs(current), rename);
    current = r.text;
    renamed = r.count;
  }
  parseDocs(current); // the result must still be valid YAML
  return { text: current, changes, renamed, reformatted };
}
