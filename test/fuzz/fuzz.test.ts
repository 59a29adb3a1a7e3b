// Property-based fuzzing (fast-check) of the loader + validator, the expression parser, the
// param parser and durations, against the built code in a worker thread with a per-case
// deadline. Properties: no exception other than our own user errors (so no exit 70), no case
// running past 5 s, and every problem is a diagnostic with file:line:col.
// FUZZ_RUNS scales the case counts (e.g. FUZZ_RUNS=20 for a long local hunt); FUZZ_SEED replays.
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../src/errors.js';
import { MAX_WAIT_MS } from '../../src/runbook/duration.js';
import type { Coerced } from '../../src/runbook/params.js';
import { aliasBomb, deepExpression, deepRunbook, durationText, expression, expressionNoise, paramCase, runbookText, yamlNoise } from './arbitraries.js';
import { FuzzWorker } from './harness.js';

const scale = Number(process.env.FUZZ_RUNS ?? 1);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * scale)), ...(seed === undefined ? {} : { seed }) });
const worker = new FuzzWorker();
const counts: Record<string, number> = {};
afterAll(async () => {
  await worker.stop();
  // A figure for the closing note, not an assertion.
  console.log(`fuzz cases: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')} (total ${Object.values(counts).reduce((a, b) => a + b, 0)})`);
});

/** Every problem is positioned inside the file, and an invalid file says why. */
function checkRunbookResult(text: string, r: { valid: boolean; diagnostics: Diagnostic[] }): void {
  const lines = text.split('\n').length;
  for (const d of r.diagnostics) {
    expect(d.file).toBe('fuzz.yaml');
    expect(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines + 1, `line ${d.line} of ${lines}: ${d.message}`).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 1, `col ${d.col}: ${d.message}`).toBe(true);
    expect(['error', 'warning']).toContain(d.severity);
    expect(typeof d.message === 'string' && d.message.length > 0).toBe(true);
  }
  expect(r.valid).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
}

async function fuzzRunbooks(name: string, arb: fc.Arbitrary<string>, n: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (text) => {
      counts[name] = (counts[name] ?? 0) + 1;
      checkRunbookResult(text, await worker.run('runbook', text));
    }),
    runs(n),
  );
}

describe('fuzz: loader and validator', () => {
  test('structured runbooks, hand-edited: diagnostics only, each at file:line:col', () => fuzzRunbooks('runbook', runbookText, 1500), 60_000);
  test('YAML noise', () => fuzzRunbooks('yaml-noise', yamlNoise, 1000), 60_000);
  test('alias bombs up to 12 levels of 12', () => fuzzRunbooks('alias-bomb', aliasBomb, 60), 60_000);
  test('deep nesting in YAML and when:', () => fuzzRunbooks('deep', deepRunbook, 60), 60_000);
});

describe('fuzz: expression parser', () => {
  const check = (name: string, arb: fc.Arbitrary<string>, n: number) =>
    fc.assert(
      fc.asyncProperty(arb, async (src) => {
        counts[name] = (counts[name] ?? 0) + 1;
        const r = await worker.run<{ ok?: true; userError?: string; offset?: number }>('expression', src);
        if (!r.ok) {
          expect(r.userError).toBeTruthy();
          expect(Number.isInteger(r.offset) && r.offset! >= 0 && r.offset! <= Math.max(src.length, 10_000)).toBe(true);
        }
      }),
      runs(n),
    );
  test('generated expressions parse and evaluate, or fail as ExpressionError at an offset', () => check('expression', expression, 1500), 60_000);
  test('tokenizer noise', () => check('expression-noise', expressionNoise, 1500), 60_000);
  test('deep nesting', () => check('expression-deep', deepExpression, 100), 60_000);
});

describe('fuzz: params and durations', () => {
  test('coerceParams never throws; a value is typed or its flag is named in an error', () =>
    fc.assert(
      fc.asyncProperty(paramCase, async ({ specs, raw }) => {
        counts.params = (counts.params ?? 0) + 1;
        const r = await worker.run<Coerced>('params', { specs, raw });
        for (const e of r.errors) expect(specs.some((s) => e.includes(`--${s.name}`)), e).toBe(true);
        for (const s of specs) {
          const v = r.values[s.name];
          if (v === undefined) continue;
          if (s.type === 'int') expect(Number.isSafeInteger(v)).toBe(true);
          if (s.type === 'bool') expect(typeof v).toBe('boolean');
          if (s.type === 'list') expect(Array.isArray(v)).toBe(true);
          if (s.type === 'string' || s.type === 'enum') expect(typeof v).toBe('string');
          if (s.type === 'duration') expect(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_WAIT_MS).toBe(true);
        }
      }),
      runs(800),
    ), 60_000);

  test('parseDuration: milliseconds, or a user error that says what to write', () =>
    fc.assert(
      fc.asyncProperty(durationText, async (text) => {
        counts.duration = (counts.duration ?? 0) + 1;
        const r = await worker.run<{ ms?: number; userError?: string }>('duration', text);
        if (r.userError === undefined) expect(Number.isInteger(r.ms) && r.ms! >= 0).toBe(true);
        else expect(r.userError).toMatch(/write e\.g\.|has no unit: did you mean/);
      }),
      runs(1000),
    ), 60_000);
});
