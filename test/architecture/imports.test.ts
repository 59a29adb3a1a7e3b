// The layering, checked over the real import graph of src/ and steps/ (every relative import,
// static, dynamic and type-only): no file imports a layer above its own, and no files import
// each other in a circle. A contract two layers share lives below both (docs/architecture.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../support/import-graph.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Lowest first; a file may import its own layer and the ones below. */
const LAYERS: ReadonlyArray<readonly [string, RegExp]> = [
  ['base', /^src\/[^/]+\.ts$|^src\/adapters\/ports\.ts$/],
  ['step contract', /^src\/step\//],
  ['runbook', /^src\/runbook\//],
  ['graph', /^src\/graph\//],
  ['engine', /^src\/engine\//],
  ['adapters', /^src\/adapters\//],
  ['diagnose, rbac, lab', /^src\/(diagnose|rbac|lab)\//],
  ['steps, schedule', /^steps\/|^src\/schedule\//],
  ['ui', /^src\/ui\//],
  ['cli', /^src\/cli\//],
];

function layerOf(file: string): number {
  const i = LAYERS.findIndex(([, re]) => re.test(file));
  if (i < 0) throw new Error(`${file} is in no layer: add its directory to LAYERS`);
  return i;
}

describe('imports', () => {
  const graph = importGraph(ROOT, ['src', 'steps']);

  it('sees the whole code base', () => {
    expect(graph.size).toBeGreaterThan(250);
    expect(graph.get('src/cli/main.ts')).toContain('src/cli/commands/index.ts');
  });

  it('never point to a higher layer', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => graph.has(t) && layerOf(t) > layerOf(file)).map((t) => `${file} (${LAYERS[layerOf(file)]![0]}) -> ${t} (${LAYERS[layerOf(t)]![0]})`),
    );
    expect(upward).toEqual([]);
  });

  it('form no circle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('reach the step library only through steps/index.ts (dist/ bundles it into that file)', () => {
    const intoSteps = [...graph].flatMap(([file, targets]) => (file.startsWith('steps/') ? [] : targets.filter((t) => t.startsWith('steps/') && t !== 'steps/index.ts').map((t) => `${file} -> ${t}`)));
    expect(graph.get('src/cli/context.ts')).toContain('steps/index.ts');
    expect(intoSteps).toEqual([]);
  });

  it('reach zod only through src/zod.ts (its config is global, and dist/ bundles that one file)', () => {
    const direct = [...graph.keys()].filter((f) => f !== 'src/zod.ts' && /from 'zod(\/[^']*)?'/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(graph.has('src/zod.ts')).toBe(true);
    expect(direct).toEqual([]);
  });
});
