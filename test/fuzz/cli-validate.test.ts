// The same hostile runbooks through the CLI (main(argv, io), in-process): `runbook validate` on a batch of generated
// files exits 0 or 2, never 70, and every line it prints is `file:line:col: severity: message`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { runMain } from '../support/in-process.js';
import { aliasBomb, deepRunbook, runbookText, yamlNoise } from './arbitraries.js';

const scale = Number(process.env.FUZZ_RUNS ?? 1);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

describe('fuzz: runbook validate', () => {
  test('a batch of hostile files: exit 0 or 2, every diagnostic positioned, no internal error', async () => {
    const texts = fc.sample(fc.oneof({ weight: 6, arbitrary: runbookText }, { weight: 2, arbitrary: yamlNoise }, { weight: 1, arbitrary: aliasBomb }, { weight: 1, arbitrary: deepRunbook }), { numRuns: Math.round(200 * scale), ...(seed === undefined ? {} : { seed }) });
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-validate-'));
    const files = texts.map((t, i) => {
      const f = join(dir, `f${i}.yaml`);
      writeFileSync(f, t);
      return f;
    });
    const r = await runMain(['validate', ...files]);
    expect(r.stderr).not.toContain('internal error');
    expect([0, 2]).toContain(r.code);
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !/^\d+ error\(s\)$/.test(l));
    const positioned = /^\/.+\/f\d+\.yaml:\d+:\d+: (error|warning): \S/;
    // A message may span lines (a YAML excerpt); each diagnostic starts positioned.
    expect(lines.filter((l) => l.startsWith(dir)).length).toBeGreaterThan(0);
    for (const l of lines.filter((x) => x.startsWith(dir))) expect(l).toMatch(positioned);
  }, 90_000);
});
