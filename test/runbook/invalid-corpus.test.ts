// The invalid-runbook corpus: every file under test/fixtures/invalid/ is a runbook with known
// problems; its `.expected` sibling lists every error it must produce, one per line, as
// `LINE:COL: SUBSTRING`. The loader must return no runbook and exactly those errors, so a
// problem that goes unreported (or is reported twice, or at the wrong place) fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { builtinRegistry } from '../../steps/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'invalid');

interface Expected {
  line: number;
  col: number;
  text: string;
}

function readExpected(file: string): Expected[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^(\d+):(\d+): (.+)$/.exec(l);
      if (!m) throw new Error(`${file}: bad expectation line ${JSON.stringify(l)}`);
      return { line: Number(m[1]), col: Number(m[2]), text: m[3]! };
    });
}

/** What a person reads: the message with its hint, as `formatDiagnostic` prints it. */
const shown = (d: Diagnostic) => `${d.line}:${d.col}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`;

/** Pairs each expectation with one distinct diagnostic; returns what is left on either side. */
function match(expected: Expected[], actual: Diagnostic[]): { missing: string[]; unexpected: string[] } {
  const left = [...actual];
  const missing: string[] = [];
  for (const e of expected) {
    const i = left.findIndex((d) => d.line === e.line && d.col === e.col && `${d.message}${d.hint ? ` (${d.hint})` : ''}`.includes(e.text));
    if (i < 0) missing.push(`${e.line}:${e.col}: ${e.text}`);
    else left.splice(i, 1);
  }
  return { missing, unexpected: left.map(shown) };
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const registry = builtinRegistry();

describe('invalid runbook corpus', () => {
  it('has a sizeable corpus, each fixture with its expectations', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(34);
    const expectedFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.expected'));
    expect(expectedFiles.map((f) => f.replace(/\.expected$/, '')).sort()).toEqual(fixtures.map((f) => f.replace(/\.yaml$/, '')));
  });

  it.each(fixtures)('%s', (name) => {
    const text = readFileSync(join(FIXTURES, name), 'utf8');
    const expected = readExpected(join(FIXTURES, name.replace(/\.yaml$/, '.expected')));
    expect(expected.length).toBeGreaterThan(0);
    const result = parseRunbook(text, name, registry);
    expect(result.runbook).toBeUndefined();
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of errors) expect(d.file).toBe(name);
    const { missing, unexpected } = match(expected, errors);
    expect({ missing, unexpected }).toEqual({ missing: [], unexpected: [] });
  });
});

describe('what the corpus must not reject', () => {
  it('accepts forEach over an output of a fan-out step: its outputs are lists, one entry per item', () => {
    // The executor merges a fan-out step's outputs into lists (src/engine/execute.ts runFanOut),
    // so `memoryMiB` of a step with forEach is a list of numbers.
    const text = `apiVersion: runbook.dev/v1
name: fan-out-outputs
description: fan out over the outputs of a fan-out step
params:
  nodes:
    type: list
    description: the nodes
    required: true
steps:
  - id: ready
    uses: k8s.wait-node-ready
    forEach: \${{ params.nodes }}
    with:
      node: \${{ item }}
  - id: show
    uses: core.shell
    needs: [ready]
    forEach: steps.ready.outputs.memoryMiB
    with:
      run: echo \${{ item }}
      observeOnly: true
`;
    const result = parseRunbook(text, 'fan-out-outputs.yaml', registry);
    expect(result.diagnostics.map(shown)).toEqual([]);
    expect(result.runbook?.steps.map((s) => s.id)).toEqual(['ready', 'show']);
  });
});
