// A small line diff for plans: the changed lines of a file as unified-style hunks
// (`@@ -12,1 +12,2 @@`, removed lines `-`, added lines `+`), no context lines.
interface Hunk {
  header: string;
  removed: string[];
  added: string[];
  /** 1-based first line of the hunk in the old file. */
  oldStart: number;
}

const MAX_CELLS = 4_000_000;

/** Longest-common-subsequence table over the middle part (after trimming equal ends). */
function lcsPairs(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  if (a.length * b.length > MAX_CELLS) return []; // too big to align: one hunk for the middle
  const n = a.length;
  const m = b.length;
  const t: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const pairs: Array<[number, number]> = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function diffLines(before: string, after: string): Hunk[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const pairs = [...lcsPairs(midA, midB), [midA.length, midB.length] as [number, number]];
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of pairs) {
    if (pi > i || pj > j) {
      const removed = midA.slice(i, pi);
      const added = midB.slice(j, pj);
      const oldStart = pre + i + 1;
      const newStart = pre + j + 1;
      hunks.push({ header: `@@ -${removed.length ? oldStart : oldStart - 1},${removed.length} +${added.length ? newStart : newStart - 1},${added.length} @@`, removed, added, oldStart });
    }
    i = pi + 1;
    j = pj + 1;
  }
  return hunks;
}
