// The plan tells the truth (issue 13 item 3): every shipped runbook, planned and then run on the
// incident lab (with the params doctor proposes / the e2e tests use), through the real engine
// and the real adapters over HTTP. The adapters count the calls that may change something, per
// step instance: no instance wrote anything the plan called unchanged (noop or nothing to do).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterName } from '../../src/adapters/ports.js';
import { cliAdapters } from '../../src/cli/adapters.js';
import type { CliIO } from '../../src/cli/io.js';
import type { AdapterProvider } from '../../src/engine/adapters.js';
import { countChanges } from '../../src/engine/plan.js';
import { runRunbook } from '../../src/engine/run.js';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { coerceParams } from '../../src/runbook/params.js';
import { builtinRegistry } from '../../steps/index.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

const READS = /^(get|list|wait|ready|known)/;

/** The writers, counting each call that may change something under the key of the step running it. */
function countingWrites(inner: AdapterProvider, current: () => string, writes: Map<string, string[]>): AdapterProvider {
  const wrap = (adapter: object): object =>
    new Proxy(adapter, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        if (!READS.test(prop)) writes.set(current(), [...(writes.get(current()) ?? []), prop]);
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  return {
    reader: (names) => inner.reader(names),
    async writer<A extends AdapterName>(names: readonly A[]) {
      const made = (await inner.writer(names)) as Record<string, object>;
      return Object.fromEntries(Object.entries(made).map(([k, v]) => [k, wrap(v)])) as never;
    },
  };
}

const CASES: [string, Record<string, unknown>][] = [
  ['fix-ballooning', { nodes: 'k3s-replica-0,k3s-replica-1,k3s-server-0,k3s-server-1,k3s-server-2', memory: '2048' }],
  ['reboot-node', { node: 'k3s-replica-0' }],
  ['drain-node', { node: 'k3s-replica-1' }],
  ['purge-dead-node', { node: 'k3s-replica-2' }],
  ['unstick-metallb', {}],
  ['cluster-hygiene', {}],
];

describe('the plan tells the truth', () => {
  it.each(CASES)('%s: nothing the plan called unchanged is written by the run', async (name, raw) => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-plan-honest-'));
    const l = await startLab({ dir: join(root, 'lab'), rebootSeconds: 0.2 });
    labs.push(l);
    l.settle();
    const io: CliIO = { out: () => {}, err: () => {}, env: { KUBECONFIG: l.kubeconfigPath, PROXMOX_ENV_FILE: l.proxmoxEnvPath }, cwd: root, stdinIsTTY: false, stdoutIsTTY: false, onSignal: () => () => {} };
    const registry = builtinRegistry();
    const { runbook } = await loadRunbookFile(`runbooks/${name}.yaml`, registry);
    const params = coerceParams(runbook!, raw);
    expect(params.errors).toEqual([]);
    let running = '(between steps)';
    const writes = new Map<string, string[]>();
    const outcome = await runRunbook({
      runbook: runbook!,
      registry,
      params: params.values,
      adapters: countingWrites(cliAdapters(io, {}), () => running, writes),
      // One instance at a time, so each write belongs to the step that is running.
      concurrency: 1,
      observer: { stepStarted: (info) => (running = info.key) },
      stateDir: join(root, 'state'),
      confirm: async () => true,
      interactive: false,
      yes: true,
      onInterrupt: async () => 'keep',
    });
    expect([0, 6, 7], `${name}: ${outcome.message ?? ''}`).toContain(outcome.exitCode);
    const planned = new Map(outcome.plan.map((e) => [e.key, e]));
    const calledUnchanged = [...writes.keys()].filter((key) => {
      const e = planned.get(key);
      return !e || (!e.deferred && !e.changes.some((c) => c.op !== 'noop'));
    });
    expect(calledUnchanged.map((k) => `${k} wrote ${writes.get(k)!.join(', ')} but was planned as ${planned.get(k) ? 'unchanged' : 'nothing'}`)).toEqual([]);
    if (name === 'fix-ballooning') {
      expect(planned.get('node.reboot[k3s-replica-0]')?.changes).toEqual([expect.objectContaining({ op: 'action', summary: expect.stringMatching(/applies the memory change set by node\.set-memory\[k3s-replica-0\]/) })]);
      expect(planned.get('node.uncordon[k3s-replica-0]')?.changes).toEqual([expect.objectContaining({ op: 'update', summary: 'uncordon (cordoned earlier in this run by node.drain[k3s-replica-0])' })]);
    }
    if (name === 'drain-node') {
      // One cordon, counted once: the drain after the cordon step finds the node cordoned.
      expect(planned.get('drain')?.changes[0]).toMatchObject({ op: 'noop', target: 'node/k3s-replica-1', summary: 'cordoned earlier in this run by cordon' });
      expect(outcome.plan.flatMap((e) => e.changes).filter((c) => c.target === 'node/k3s-replica-1' && c.op === 'update')).toHaveLength(1);
    }
    // The summary counts what will happen: a change written is a change counted.
    const n = countChanges(outcome.plan);
    expect(n.create + n.update + n.delete + n.action).toBeGreaterThanOrEqual(writes.size ? 1 : 0);
  }, 120_000);
});
