// Text fitted to a terminal: a line longer than the screen wraps on its own and pushes
// everything (the question, the cursor) further than the screen's height predicts.
const GLYPHS = Array.from; // code points, so `…` and `✔` count once

/** `text` cut to `width` columns, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  const chars = GLYPHS(text);
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Wraps each line at spaces to `width` columns. Continuation lines are indented like the
 * text after the line's label (`  evidence: `), so a wrapped field still reads as one.
 */
export function wrap(text: string, width: number): string[] {
  return text.split('\n').flatMap((line) => wrapLine(line, width));
}

function wrapLine(line: string, width: number): string[] {
  if (GLYPHS(line).length <= width) return [line];
  const indent = ' '.repeat(Math.min(/^\s*(?:\d+\.\s+|[a-z ]+:\s+)?/.exec(line)![0].length, Math.floor(width / 2)));
  const out: string[] = [];
  let current = '';
  for (const word of line.split(/(?<=\s)(?=\S)/)) {
    if (current && GLYPHS(current + word).length > width) {
      out.push(current.trimEnd());
      current = indent;
    }
    current += word;
    // A single word wider than the screen (a long URL) is cut, not left to wrap.
    while (GLYPHS(current).length > width) {
      out.push(GLYPHS(current).slice(0, width).join(''));
      current = indent + GLYPHS(current).slice(width).join('');
    }
  }
  if (current.trim()) out.push(current.trimEnd());
  return out;
}

/** Lines split into pages of at most `height` lines (at least one line per page). */
export function pages(lines: readonly string[], height: number): string[][] {
  const size = Math.max(1, height);
  const out: string[][] = [];
  for (let i = 0; i < lines.length; i += size) out.push(lines.slice(i, i + size));
  return out;
}
