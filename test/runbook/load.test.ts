// The loader's products: a normalised Runbook (durations in ms, needs as lists, defaults)
// with a source map, or every diagnostic in file order.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbookFile, parseRunbook } from '../../src/runbook/load.js';
import { positionOf } from '../../src/runbook/types.js';
import { builtinRegistry } from '../../steps/index.js';

const registry = builtinRegistry();
const GOOD = `apiVersion: runbook.dev/v1
name: cordon-some
description: Cordons nodes.
params:
  nodes: { type: list, default: [a, b], description: which }
  wait: { type: duration, default: 1m, description: pause }
steps:
  - id: cordon
    uses: k8s.cordon
    forEach: \${{ params.nodes }}
    with: { node: "\${{ item }}" }
    retry: { attempts: 3 }
    timeout: 1m30s
  - id: pause
    uses: core.wait
    needs: cordon
    when: true
    with: { duration: "\${{ params.wait }}" }
`;

describe('loader', () => {
  it('normalises: durations in ms, needs as a list, retry defaults, params in file order', () => {
    const { runbook, diagnostics } = parseRunbook(GOOD, 'good.yaml', registry);
    expect(diagnostics).toEqual([]);
    expect(runbook!.params.map((p) => [p.name, p.type, p.required])).toEqual([['nodes', 'list', false], ['wait', 'duration', false]]);
    const [cordon, pause] = runbook!.steps;
    expect(cordon).toMatchObject({ id: 'cordon', needs: [], timeoutMs: 90_000, retry: { attempts: 3, backoffMs: 1000, factor: 2 }, continueOnError: false });
    expect(pause).toMatchObject({ needs: ['cordon'], when: 'true', with: { duration: '${{ params.wait }}' } });
  });

  it('keeps a source map from dot paths to line:col', () => {
    const { runbook } = parseRunbook(GOOD, 'good.yaml', registry);
    expect(positionOf(runbook!.source, 'steps.1.needs')).toEqual({ line: 16, col: 5 });
    expect(positionOf(runbook!.source, 'steps.0.with.node')).toEqual({ line: 11, col: 13 });
    // An unknown path falls back to its nearest parent.
    expect(positionOf(runbook!.source, 'steps.1.with.nothing.here')).toEqual({ line: 18, col: 5 });
  });

  it('reports problems from the schema and the rules in one pass, in file order', () => {
    const bad = GOOD.replace('name: cordon-some', 'name: Cordon_Some').replace('uses: core.wait', 'uses: core.wiat').replace('needs: cordon', 'needs: cordn');
    const { runbook, diagnostics } = parseRunbook(bad, 'bad.yaml', registry);
    expect(runbook).toBeUndefined();
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}${d.hint ? ` (${d.hint})` : ''}`)).toEqual([
      expect.stringMatching(/^2:1 .*kebab-case/),
      '15:5 unknown step type `core.wiat` (did you mean `core.wait`?)',
      '16:5 step `pause` needs unknown step `cordn` (did you mean `cordon`?)',
    ]);
  });

  it('a warning does not block loading', () => {
    const text = GOOD.replace('nodes: { type: list, default: [a, b], description: which }', 'nodes: { type: list, required: true, default: [a], description: which }');
    const { runbook, diagnostics } = parseRunbook(text, 'warn.yaml', registry);
    expect(runbook).toBeDefined();
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', line: 5, message: expect.stringContaining('default is never used') })]);
  });

  it('a missing file or a directory is a diagnostic, not an exception', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-load-'));
    expect((await loadRunbookFile(join(dir, 'nope.yaml'), registry)).diagnostics[0]).toMatchObject({ line: 1, message: 'no such file' });
    expect((await loadRunbookFile(dir, registry)).diagnostics[0]!.message).toMatch(/directory/);
    writeFileSync(join(dir, 'ok.yaml'), GOOD);
    expect((await loadRunbookFile(join(dir, 'ok.yaml'), registry)).runbook?.name).toBe('cordon-some');
  });
});
