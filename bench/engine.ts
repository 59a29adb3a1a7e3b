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
import { median, ms, type Row } from './stats.js';

/** One flow-style line per step: 10k steps stay under the 1 MiB a runbook file may hold. */
function chainRunbook(steps: number): string {
  const lines = ['apiVersion: runbook.dev/v1', 'name: bench', 'description: a chain of assertions', 'params:', '  n: { type: int, default: 1, description: n }', 'steps:'];
  for (let i = 0; i < steps; i++) {
    lines.push(`  - { id: s${i}, uses: core.assert, with: { that: "\${{ params.n == 1 }}", message: m }${i > 0 ? `, needs: [s${i - 1}]` : ''} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Validate + compile at 1k, 5k and 10k steps (20k would pass the 1 MiB file cap): under 1 s at 10k, linear. */
export function compileScaling(): Row {
  const registry = builtinRegistry();
  const at = (n: number) => {
    const text = chainRunbook(n);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const { runbook } = parseRunbook(text, 'bench.yaml', registry);
      compile(runbook!, registry);
      times.push(performance.now() - t0);
    }
    return median(times);
  };
  const [k1, k5, k10] = [at(1000), at(5000), at(10_000)];
  return {
    what: 'validate + compile 10k steps (what plan/run use)',
    goal: 'linear, < 1 s',
    measured: `1k ${ms(k1)}, 5k ${ms(k5)}, 10k ${ms(k10)} (10k/5k = ${(k10 / k5).toFixed(2)}, linear: 2)`,
    met: k10 < 1000 && k10 / k5 < 2.6,
    figures: { ms1k: k1, ms5k: k5, ms10k: k10 },
  };
}

export async function engineOverhead(steps = 200): Promise<Row> {
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
    const perStep = (performance.now() - t0) / steps;
    return { what: `engine overhead per step (${steps}-step run, journal fsynced)`, goal: '-', measured: `${perStep.toFixed(2)} ms`, met: null, figures: { msPerStep: perStep } };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
