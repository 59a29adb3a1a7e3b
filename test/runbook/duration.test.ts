// Durations as people write them (`500ms`, `30s`, `5m`, `1h30m`, `2d`, or bare milliseconds)
// and the shortest exact form they are printed back in.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/runbook/duration.js';

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
    ['90', 90],
    ['0', 0],
    ['0s', 0],
    ['  10s  ', 10_000],
    ['1m1m', 120_000],
    ['1.0004s', 1000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
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
