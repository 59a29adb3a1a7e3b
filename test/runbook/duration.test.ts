// Durations as people write them (`500ms`, `30s`, `5m`, `1h30m`, `2d`; a unit is required)
// and the shortest exact form they are printed back in.
import { describe, expect, it } from 'vitest';
import { RunbookError } from '../../src/errors.js';
import { envDuration, formatDuration, MAX_WAIT_MS, parseDuration, parseWaitDuration } from '../../src/runbook/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['1.5s', 1500],
    ['0.25m', 15_000],
    ['0', 0],
    ['0s', 0],
    ['  10s  ', 10_000],
    ['1m1m', 120_000],
    ['1.0004s', 1000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['90', '5', '1.5', ' 30 '])('rejects %j: a number without a unit, with a hint', (text) => {
    const n = text.trim();
    expect(() => parseDuration(text)).toThrow(`duration "${n}" has no unit: did you mean ${n}m? (or ${n}s, ${n}ms)`);
  });

  it('0 needs no unit', () => {
    expect(parseDuration('000')).toBe(0);
  });

  it('rejects empty text', () => {
    expect(() => parseDuration('')).toThrow('empty duration: write e.g. `30s`, `5m` or `1h30m`');
    expect(() => parseDuration('   ')).toThrow(/empty duration/);
  });

  it.each([
    ['5 minutes', '5 minutes'],
    ['1h 30m', ' 30m'],
    ['10x', '10x'],
    ['ms', 'ms'],
    ['-5s', '-5s'],
    ['1h30', '30'],
    ['5M', '5M'],
    ['.5s', '.5s'],
  ])('rejects %j, showing where it stops making sense', (text, rest) => {
    expect(() => parseDuration(text)).toThrow(`"${text}" is not a duration (at "${rest}"): write e.g. \`30s\`, \`5m\` or \`1h30m\``);
  });

  it('can be called again after a failure (no state left behind)', () => {
    expect(() => parseDuration('1h oops')).toThrow();
    expect(parseDuration('1h')).toBe(3_600_000);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1234, '1.234s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [86_401_000, '1d1s'],
    [93_784_005, '1d2h3m4.005s'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('prints non-finite values as they are', () => {
    expect(formatDuration(Infinity)).toBe('Infinity');
    expect(formatDuration(Number.NaN)).toBe('NaN');
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [0, 1, 999, 1000, 1001, 59_999, 61_001, 1_000_500, 3_600_000, 90_061_001]) {
      expect(parseDuration(formatDuration(ms)), String(ms)).toBe(ms);
    }
  });
});

describe('parseWaitDuration: what the engine waits on', () => {
  it('is at most a timer\'s 2^31-1 ms: longer ones fired at once (`core.wait 30d` returned at once)', () => {
    expect(parseWaitDuration(formatDuration(MAX_WAIT_MS))).toBe(MAX_WAIT_MS);
    expect(() => parseWaitDuration('24d20h31m24s')).toThrow('duration "24d20h31m24s" is too long: the longest is 24d20h31m23.647s');
    expect(() => parseWaitDuration(' 30d ')).toThrow('duration "30d" is too long');
  });

  it('takes the number 0, and no other number', () => {
    expect(parseWaitDuration(0)).toBe(0);
    expect(() => parseWaitDuration(30)).toThrow('duration "30" has no unit: did you mean 30m?');
    expect(() => parseWaitDuration(-1)).toThrow('-1 is not a duration');
  });
});

describe('envDuration', () => {
  it('reads a duration from an environment variable; unset is undefined', () => {
    expect(envDuration('RUNBOOK_LOCK_TTL', '90s')).toBe(90_000);
    expect(envDuration('RUNBOOK_LOCK_TTL', undefined)).toBeUndefined();
    expect(envDuration('RUNBOOK_LOCK_TTL', ' ')).toBeUndefined();
  });

  it('a number without a unit is a user error naming the variable', () => {
    let caught: unknown;
    try { envDuration('RUNBOOK_LOCK_TTL', '60'); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(RunbookError);
    expect((caught as RunbookError).message).toBe('$RUNBOOK_LOCK_TTL: duration "60" has no unit: did you mean 60m? (or 60s, 60ms)');
    expect((caught as RunbookError).hint).toBe('e.g. RUNBOOK_LOCK_TTL=90s');
  });
});
