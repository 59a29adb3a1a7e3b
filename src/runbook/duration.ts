// Durations as people write them in runbooks, flags and env vars: `500ms`, `30s`, `5m`,
// `1h30m`, `2d`. Parsed to milliseconds. A unit is required: `--min-not-ready 5` once meant
// 5 ms and passed a guard that `5m` refuses. Only `0` needs none.

import { RunbookError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
const EXAMPLES = 'write e.g. `30s`, `5m` or `1h30m`';

/** The zod `meta({ format })` of a step param that is a duration (steps/schemas.ts). */
export const DURATION_FORMAT = 'runbook-duration';

/** setTimeout's limit (2^31-1 ms, about 24.8 days): a longer timer fires at once. */
export const MAX_WAIT_MS = 2 ** 31 - 1;

/** The message for a number written without a unit. */
export function unitlessMessage(n: number | string): string {
  return `duration "${n}" has no unit: did you mean ${n}m? (or ${n}s, ${n}ms)`;
}

export function parseDuration(text: string): number {
  const src = text.trim();
  if (/^0+$/.test(src)) return 0;
  if (/^\d+(\.\d+)?$/.test(src)) throw new Error(unitlessMessage(src));
  if (src === '') throw new Error(`empty duration: ${EXAMPLES}`);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < src.length) {
    const start = PART.lastIndex;
    const m = PART.exec(src);
    if (!m) {
      throw new Error(`"${text}" is not a duration (at "${src.slice(start)}"): ${EXAMPLES}`);
    }
    total += Number(m[1]) * UNITS[m[2]!]!;
  }
  return Math.round(total);
}

/** Throws when `ms` is longer than a timer can wait; `what` is how the user wrote it. */
export function checkWaitable(ms: number, what: string = formatDuration(ms)): number {
  if (ms > MAX_WAIT_MS) throw new Error(`duration "${what}" is too long: the longest is ${formatDuration(MAX_WAIT_MS)} (about 24.8 days)`);
  return ms;
}

/**
 * A duration a person wrote for the engine to wait on (`timeout:`, `retry.backoff`, step
 * params, duration params): text with a unit, or the number 0. At most MAX_WAIT_MS.
 */
export function parseWaitDuration(v: string | number): number {
  if (typeof v === 'number') {
    if (v === 0) return 0;
    throw new Error(v > 0 && Number.isFinite(v) ? unitlessMessage(v) : `${v} is not a duration: ${EXAMPLES}`);
  }
  return checkWaitable(parseDuration(v), v.trim());
}

/** A duration from an environment variable (unset or empty: undefined); a user error names it. */
export function envDuration(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return parseWaitDuration(value);
  } catch (e) {
    throw new RunbookError('E_ENV', `$${name}: ${(e as Error).message}`, { hint: `e.g. ${name}=90s` });
  }
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
