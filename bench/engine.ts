// Validate + compile scaling with runbook size, and the engine's own cost per step (journal
// fsyncs included) on a run of steps that do nothing themselves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lazyAdapters } from '../src/engine/adapters.js';
import { runRunbook } from '../src/engine/run.js';
import { compile } from '../src/graph/compile.js';
import { parseRunbook } from '../src/runbook/load.js';
import { builtinRegistry } from '../steps/index.js';
import type { Figure } from './stats.js';
import { median } from './stats.js';

function chainRunbook(steps: number): string {
  const lines = ['apiVersion: runbook.dev/v1', 'name: bench', 'description: a chain of assertions', 'params:', '  n: { type: int, default: 1, description: n }', 'steps:'];
  for (let i = 0; i < steps; i++) {
    lines.push(`  - id: s${i}`, '    uses: core.assert', `    with: { that: "\${{ params.n == 1 }}", message: step ${i} }`);
    if (i > 0) lines.push(`    needs: [s${i - 1}]`);
  }
  return `${lines.join('\n')}\n`;
}

export function compileScaling(): Figure[] {
  const registry = builtinRegistry();
  return [10, 100, 1000, 10_000, 20_000].map((n) => {
    const text = chainRunbook(n);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const { runbook } = parseRunbook(text, 'bench.yaml', registry);
      compile(runbook!, registry);
      times.push(performance.now() - t0);
    }
    return { name: `validate + compile, ${n} steps`, value: median(times), unit: 'ms' };
  });
}

export async function engineOverhead(steps = 200): Promise<Figure[]> {
  const registry = builtinRegistry();
  const { runbook } = parseRunbook(chainRunbook(steps), 'bench.yaml', registry);
  const stateDir = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
  try {
    const t0 = performance.now();
    const out = await runRunbook({
      runbook: runbook!, registry, params: { n: 1 }, adapters: lazyAdapters({ reader: {}, writer: {} }), stateDir,
      confirm: async () => true, interactive: false, yes: true, onInterrupt: async () => 'keep',
    });
    if (out.status !== 'succeeded') throw new Error(`bench run ${out.status}: ${out.message ?? ''}`);
    return [{ name: `engine overhead per step (${steps}-step run, journal fsynced)`, value: (performance.now() - t0) / steps, unit: 'ms' }];
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
