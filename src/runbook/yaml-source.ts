// Reads YAML with js-yaml and remembers where every node came from. js-yaml 5 dropped the
// v4 `listener` option; it exposes its event stream instead (`parseEvents`), so we walk
// the events once for positions and let `constructFromEvents` build the values from the
// same events (one parse, two products). Positions are keyed by dot path (`steps.2.with`).
import { constructFromEvents, EVENT_ID, getScalarValue, parseEvents, YAMLException } from 'js-yaml';
import type { Event } from 'js-yaml';
import type { SourcePosition } from './types.js';

interface YamlRead {
  value?: unknown;
  positions: Map<string, SourcePosition>;
  error?: { message: string; line: number; col: number };
}

type Frame =
  | { kind: 'doc'; path: string }
  | { kind: 'seq'; path: string; index: number }
  | { kind: 'map'; path: string; key?: string; expectKey: boolean };

const join = (base: string, key: string | number) => (base === '' ? String(key) : `${base}.${key}`);

function lineIndex(text: string): (offset: number) => SourcePosition {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  };
}

function collectPositions(text: string, events: Event[], at: (offset: number) => SourcePosition): Map<string, SourcePosition> {
  const positions = new Map<string, SourcePosition>();
  const stack: Frame[] = [];
  // Returns the path of the node starting now, or undefined when it is a mapping key.
  const place = (): string | undefined => {
    const parent = stack.at(-1);
    if (!parent || parent.kind === 'doc') return '';
    if (parent.kind === 'seq') return join(parent.path, parent.index++);
    if (parent.expectKey) return undefined;
    parent.expectKey = true;
    return join(parent.path, parent.key ?? '?');
  };
  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        stack.push({ kind: 'doc', path: '' });
        break;
      case EVENT_ID.SCALAR: {
        const parent = stack.at(-1);
        const path = place();
        if (path === undefined && parent?.kind === 'map') {
          parent.key = getScalarValue(text, ev);
          parent.expectKey = false;
          // A keyed node is reported at its key: that is where a person looks. An empty
          // scalar (`? ` or `: x`) has no offset (-1): its parent's position stands.
          if (ev.valueStart >= 0) positions.set(join(parent.path, parent.key), at(ev.valueStart));
        } else if (path !== undefined && ev.valueStart >= 0 && !positions.has(path)) positions.set(path, at(ev.valueStart));
        break;
      }
      case EVENT_ID.ALIAS: {
        const path = place();
        // anchorStart is the name after `*`; point at the `*` itself.
        if (path !== undefined && !positions.has(path)) positions.set(path, at(Math.max(0, ev.anchorStart - 1)));
        break;
      }
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const path = place() ?? '?';
        if (!positions.has(path)) positions.set(path, at(ev.start));
        stack.push(ev.type === EVENT_ID.MAPPING ? { kind: 'map', path, expectKey: true } : { kind: 'seq', path, index: 0 });
        break;
      }
      case EVENT_ID.POP: {
        const closed = stack.pop();
        const parent = stack.at(-1);
        // A collection used as a mapping key (rare): the next node is its value.
        if (closed?.path === '?' && parent?.kind === 'map') {
          parent.key = '?';
          parent.expectKey = false;
        }
        break;
      }
    }
  }
  return positions;
}

/** Nodes a runbook may expand to through aliases: real ones hold a few thousand. */
const MAX_YAML_NODES = 100_000;
/** Bytes in a runbook file; the biggest shipped one is ~5 KB. */
const MAX_RUNBOOK_BYTES = 1024 * 1024;
/** YAML nesting depth (js-yaml's own default, named here so the message can say it). */
const MAX_YAML_DEPTH = 100;

/**
 * Where alias expansion first passes MAX_YAML_NODES, if it does: nine levels of nine aliases
 * ("billion laughs") are a small file but a huge value, and walking it hangs `validate`.
 * Counts each node as it will be constructed, an alias as the size of what it names.
 */
function aliasBomb(text: string, events: Event[]): number | undefined {
  const sizes = new Map<string, number>();
  const open: { size: number; anchor?: string }[] = [{ size: 0 }];
  const anchorOf = (ev: { anchorStart: number; anchorEnd: number }) => (ev.anchorStart >= 0 ? text.slice(ev.anchorStart, ev.anchorEnd) : undefined);
  let total = 0;
  const add = (n: number) => { open.at(-1)!.size += n; total += n; };
  for (const ev of events) {
    if (ev.type === EVENT_ID.SCALAR) {
      add(1);
      const a = anchorOf(ev);
      if (a !== undefined) sizes.set(a, 1);
    } else if (ev.type === EVENT_ID.ALIAS) {
      add(sizes.get(text.slice(ev.anchorStart, ev.anchorEnd)) ?? 1);
      if (total > MAX_YAML_NODES) return Math.max(0, ev.anchorStart - 1);
    } else if (ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) {
      const a = anchorOf(ev);
      open.push({ size: 1, ...(a !== undefined ? { anchor: a } : {}) });
      total += 1;
    } else if (ev.type === EVENT_ID.POP && open.length > 1) {
      const done = open.pop()!;
      if (done.anchor !== undefined) sizes.set(done.anchor, done.size);
      open.at(-1)!.size += done.size;
    }
  }
  return undefined;
}

export function readYaml(text: string, file: string): YamlRead {
  const at = lineIndex(text);
  if (text.length > MAX_RUNBOOK_BYTES) {
    return { positions: new Map(), error: { message: `the file is ${text.length} characters; a runbook may hold at most ${MAX_RUNBOOK_BYTES}`, line: 1, col: 1 } };
  }
  try {
    const events = parseEvents(text, { filename: file, maxDepth: MAX_YAML_DEPTH });
    const bomb = aliasBomb(text, events);
    if (bomb !== undefined) {
      return { positions: new Map(), error: { message: `aliases here expand the document past ${MAX_YAML_NODES} nodes (an alias bomb?)`, ...at(bomb) } };
    }
    const positions = collectPositions(text, events, at);
    const docs = constructFromEvents(events, { source: text, filename: file });
    if (docs.length === 0) return { positions, error: { message: 'the file is empty', line: 1, col: 1 } };
    if (docs.length > 1) {
      const second = secondDocumentStart(text);
      return { positions, error: { message: 'a runbook file holds one YAML document; found several (---)', ...at(second) } };
    }
    return { value: docs[0], positions };
  } catch (e) {
    if (e instanceof YAMLException) {
      // An unclosed `[`, `{` or quote makes the parser fail lines later; point at the opener.
      const tooDeep = /maxDepth/.test(e.reason);
      if (tooDeep) return { positions: new Map(), error: { message: `YAML nested more than ${MAX_YAML_DEPTH} levels deep`, line: (e.mark?.line ?? 0) + 1, col: (e.mark?.column ?? 0) + 1 } };
      const opener = e.mark ? unclosedOpener(text, e.mark.position) : undefined;
      if (opener) return { positions: new Map(), error: { message: `malformed YAML: \`${opener.char}\` opened here is never closed`, ...at(opener.offset) } };
      const line = (e.mark?.line ?? 0) + 1;
      const col = (e.mark?.column ?? 0) + 1;
      return { positions: new Map(), error: { message: `malformed YAML: ${e.reason}`, line, col } };
    }
    throw e;
  }
}

/** Offset of the `---` that starts the second document. */
function secondDocumentStart(text: string): number {
  const markers = [...text.matchAll(/^---(?=\s|$)/gm)].map((m) => m.index);
  const firstContent = /^(?!\s*(#|$))/m.exec(text)?.index ?? 0;
  const explicitFirst = markers[0] === firstContent;
  return (explicitFirst ? markers[1] : markers[0]) ?? 0;
}

/**
 * The innermost flow bracket or quote still open at `upTo`, if any: a light scan that knows
 * comments, quotes ('' and \" escapes) and flow brackets, enough to place the error well.
 */
function unclosedOpener(text: string, upTo: number): { char: string; offset: number } | undefined {
  const stack: { char: string; offset: number }[] = [];
  let quote: { char: string; offset: number } | undefined;
  for (let i = 0; i < Math.min(upTo, text.length); i++) {
    const c = text[i]!;
    if (quote) {
      if (quote.char === '"' && c === '\\') i++;
      else if (c === quote.char && quote.char === "'" && text[i + 1] === "'") i++;
      else if (c === quote.char) quote = undefined;
      continue;
    }
    const prev = i === 0 ? '\n' : text[i - 1]!;
    if (c === '#' && /\s/.test(prev)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    // A quote opens a scalar only where one can start (after space, [, {, :, comma or a line start).
    if ((c === '"' || c === "'") && /[\s[{:,]/.test(prev)) quote = { char: c, offset: i };
    else if ((c === '[' || c === '{') && (stack.length > 0 || /[\s:-]/.test(prev))) stack.push({ char: c, offset: i });
    else if ((c === ']' || c === '}') && stack.length) stack.pop();
  }
  return quote ?? stack.at(-1);
}
