// Durations as people write them in runbooks and flags: `500ms`, `30s`, `5m`, `1h30m`, `2d`.
// Parsed to milliseconds; a bare number is milliseconds (as in the step schemas).

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

export function parseDuration(text: string): number {
  const src = text.trim();
  if (/^\d+$/.test(src)) return Number(src);
  if (src === '') throw new Error('empty duration: write e.g. `30s`, `5m` or `1h30m`');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < src.length) {
    const start = PART.lastIndex;
    const m = PART.exec(src);
    if (!m) {
      throw new Error(`"${text}" is not a duration (at "${src.slice(start)}"): write e.g. \`30s\`, \`5m\` or \`1h30m\``);
    }
    total += Number(m[1]) * UNITS[m[2]!]!;
  }
  return Math.round(total);
}

/** The shortest exact form: 90000 -> `1m30s`, 1500 -> `1.5s`, 250 -> `250ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(rest % 1000 === 0 ? `${rest / 1000}s` : `${(rest / 1000).toFixed(3).replace(/0+$/, '')}s`);
  return parts.join('');
}
