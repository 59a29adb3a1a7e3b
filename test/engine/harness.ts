// Test step types and a small harness to run YAML runbooks through the real engine with a
// real journal on disk and the real shell adapter. The test steps record what they do in an
// in-memory log, so lifecycle order (apply, rollback) can be asserted exactly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from '../../src/zod.js';
import { createShellRunner } from '../../src/adapters/shell-zx.js';
import { lazyAdapters } from '../../src/engine/adapters.js';
import { createRegistry, defineStep } from '../../src/step/define-step.js';
import type { StepDefinition } from '../../src/step/define-step.js';
import type { Confirmer, EngineObserver } from '../../src/engine/events.js';
import { sleep } from '../../src/engine/retry.js';
import { runRunbook } from '../../src/engine/run.js';
import type { RunOptions } from '../../src/engine/run.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { coerceParams } from '../../src/runbook/params.js';
import type { Runbook } from '../../src/runbook/types.js';
import { builtinSteps } from '../../steps/index.js';

export const log: string[] = [];
const failures = new Map<string, number>();

export function resetLog(): void {
  log.length = 0;
  failures.clear();
}

const record = defineStep({
  type: 'test.record',
  description: 'records apply/rollback in the test log',
  params: z.object({ name: z.string(), destructive: z.boolean().default(false) }),
  outputs: z.object({ name: z.string() }),
  uses: [],
  destructive: (p) => p.destructive,
  permissions: [],
  async plan({ params }) {
    return [{ op: 'update', target: `thing/${params.name}`, summary: 'record it' }];
  },
  async apply({ params }) {
    log.push(`+${params.name}`);
    return { outputs: { name: params.name }, undo: { name: params.name } };
  },
  async rollback(_ctx, undo: { name: string }) {
    log.push(`-${undo.name}`);
  },
});

const fail = defineStep({
  type: 'test.fail',
  description: 'fails its first `times` attempts (default: always)',
  params: z.object({ id: z.string(), times: z.number().int().optional() }),
  uses: [],
  destructive: false,
  permissions: [],
  async plan() {
    return [{ op: 'action', target: 'nothing', summary: 'may fail' }];
  },
  async apply({ params }) {
    const n = (failures.get(params.id) ?? 0) + 1;
    failures.set(params.id, n);
    if (params.times === undefined || n <= params.times) throw new Error(`boom ${params.id} #${n}`);
    log.push(`+${params.id}`);
    return {};
  },
});

const slow = defineStep({
  type: 'test.slow',
  description: 'sleeps; honours the abort signal unless told not to',
  params: z.object({ ms: z.number().int(), ignoreSignal: z.boolean().default(false) }),
  uses: [],
  destructive: false,
  permissions: [],
  async plan() {
    return [];
  },
  async apply({ params, signal }) {
    if (params.ignoreSignal) await new Promise((r) => setTimeout(r, params.ms));
    else await sleep(params.ms, signal);
    log.push(`+slow${params.ms}`);
    return { undo: { ms: params.ms } };
  },
  async rollback(_c, undo: { ms: number }) {
    log.push(`-slow${undo.ms}`);
  },
});

const list = defineStep({
  type: 'test.list',
  description: 'outputs a list',
  params: z.object({ items: z.array(z.string()) }),
  outputs: z.object({ items: z.array(z.string()) }),
  uses: [],
  destructive: false,
  permissions: [],
  async plan() {
    return [];
  },
  async apply({ params }) {
    return { outputs: { items: params.items } };
  },
});

const brokenRollback = defineStep({
  type: 'test.broken-rollback',
  description: 'applies fine, cannot be rolled back',
  params: z.object({ name: z.string() }),
  uses: [],
  destructive: false,
  permissions: [],
  async plan() {
    return [];
  },
  async apply({ params }) {
    log.push(`+${params.name}`);
    return { undo: { name: params.name } };
  },
  async rollback() {
    throw new Error('rollback exploded');
  },
});

export const testSteps = [record, fail, slow, list, brokenRollback] as unknown as StepDefinition[];
export const registry = createRegistry([...builtinSteps, ...testSteps]);

export function parse(yaml: string, file = 'test.yaml'): Runbook {
  const { runbook, diagnostics } = parseRunbook(yaml, file, registry);
  if (!runbook) throw new Error(`invalid test runbook:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n')}`);
  return runbook;
}

export function tempDir(prefix = 'runbook-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function adapters() {
  return lazyAdapters({ reader: {}, writer: { shell: () => createShellRunner(process.env) } });
}

export async function run(yaml: string, options: Partial<RunOptions> & { confirm?: Confirmer; observer?: EngineObserver } = {}) {
  const runbook = parse(yaml);
  // As the CLI does: defaults filled in and values typed before the engine sees them.
  const coerced = coerceParams(runbook, options.params ?? {});
  if (coerced.errors.length) throw new Error(coerced.errors.join('\n'));
  return runRunbook({
    runbook,
    registry,
    adapters: adapters(),
    stateDir: options.stateDir ?? tempDir(),
    confirm: options.confirm ?? (async () => true),
    interactive: options.interactive ?? false,
    yes: options.yes ?? true,
    onInterrupt: options.onInterrupt ?? (async () => 'rollback'),
    ...options,
    params: coerced.values,
  } as RunOptions);
}
