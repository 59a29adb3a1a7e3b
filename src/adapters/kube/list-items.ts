// Splits a list answer ({"kind":...,"metadata":{...},"items":[{...},{...}]}) into its items
// without parsing the page into one object tree: each item is parsed alone and handed over, so
// only what the caller keeps of it outlives the next one. Parsed whole, a page of 500 pods (a
// megabyte) was alive all at once, young, through every scavenge that ran while it was being
// built: at 10k pods V8 grew its young generation to 128 MB for it. Bytes are scanned, not a
// decoded string: JSON's structural characters are ASCII and never part of a UTF-8 sequence.
// Anything the scanner does not expect goes to JSON.parse of the whole page: its error, or the
// page read the old way (what `keep` made of a partly scanned page is dropped).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

export interface ListEnvelope {
  metadata?: { continue?: string };
}

class Unexpected extends Error {}

function skipSpace(b: Buffer, i: number): number {
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return i;
}

/** The index just past the string that opens at `i`. */
function endOfString(b: Buffer, i: number): number {
  for (i++; i < b.length; i++) {
    if (b[i] === BACKSLASH) i++;
    else if (b[i] === QUOTE) return i + 1;
  }
  throw new Unexpected();
}

/** The index just past the value that starts at `i` (object, array, string or scalar). */
function endOfValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return endOfString(b, i);
  if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
    while (i < b.length && b[i] !== COMMA && b[i] !== CLOSE_OBJECT && b[i] !== CLOSE_ARRAY && skipSpace(b, i) === i) i++;
    return i;
  }
  let depth = 0;
  for (; i < b.length; i++) {
    const d = b[i];
    if (d === QUOTE) i = endOfString(b, i) - 1;
    else if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
    else if ((d === CLOSE_OBJECT || d === CLOSE_ARRAY) && --depth === 0) return i + 1;
  }
  throw new Unexpected();
}

function expect(b: Buffer, i: number, c: number): number {
  if (b[i] !== c) throw new Unexpected();
  return i + 1;
}

const parse = (b: Buffer, from: number, to: number): unknown => JSON.parse(b.toString('utf8', from, to));

function scan(b: Buffer, onItem: (item: unknown) => void): ListEnvelope {
  const envelope: ListEnvelope = {};
  let seenItems = false;
  let i = expect(b, skipSpace(b, 0), OPEN_OBJECT);
  for (i = skipSpace(b, i); b[i] !== CLOSE_OBJECT; ) {
    const keyEnd = endOfString(b, expect(b, i, QUOTE) - 1);
    const key = parse(b, i, keyEnd);
    i = skipSpace(b, expect(b, skipSpace(b, keyEnd), COLON));
    // JSON.parse keeps the last of repeated keys; the scanner would have read both.
    if (key === 'items' && seenItems) throw new Unexpected();
    seenItems ||= key === 'items';
    if (key === 'items' && b[i] === OPEN_ARRAY) {
      for (i = skipSpace(b, i + 1); b[i] !== CLOSE_ARRAY; ) {
        const end = endOfValue(b, i);
        onItem(parse(b, i, end));
        i = skipSpace(b, end);
        if (b[i] === COMMA) i = skipSpace(b, i + 1);
        else if (b[i] !== CLOSE_ARRAY) throw new Unexpected();
      }
      i++;
    } else {
      const end = endOfValue(b, i);
      if (key === 'metadata') envelope.metadata = parse(b, i, end) as ListEnvelope['metadata'];
      i = end;
    }
    i = skipSpace(b, i);
    if (b[i] === COMMA) i = skipSpace(b, i + 1);
    else if (b[i] !== CLOSE_OBJECT) throw new Unexpected();
  }
  if (skipSpace(b, i + 1) !== b.length) throw new Unexpected();
  return envelope;
}

/** Each item of a list answer as `keep` makes it, in order, and the list's metadata. */
export function listItems<T>(bytes: Buffer, keep: (item: unknown) => T): ListEnvelope & { items: T[] } {
  const items: T[] = [];
  try {
    return { ...scan(bytes, (item) => items.push(keep(item))), items };
  } catch (e) {
    if (!(e instanceof Unexpected) && !(e instanceof SyntaxError)) throw e;
    // JSON.parse throws its own error for a broken page, or reads one the scanner did not expect.
    const page = JSON.parse(bytes.toString('utf8')) as ListEnvelope & { items?: unknown[] };
    return { ...(page.metadata ? { metadata: page.metadata } : {}), items: (page.items ?? []).map(keep) };
  }
}
