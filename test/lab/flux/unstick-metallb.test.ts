// The runbook's Flux protocol against the running lab, through our Kubernetes adapter (real
// HTTPS, watches): the steps' exact annotations and the status fields they wait for, then the
// whole unstick-metallb runbook through the engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeAdapters, type KubeAdapters } from '../../../src/adapters/kube/adapter.js';
import type { KubeObject, KubeRef } from '../../../src/adapters/ports.js';
import { lazyAdapters } from '../../../src/engine/adapters.js';
import { runRunbook } from '../../../src/engine/run.js';
import { startLab, type Lab } from '../../../src/lab/lab.js';
import { loadRunbookFile } from '../../../src/runbook/load.js';
import { coerceParams } from '../../../src/runbook/params.js';
import { registry } from '../../engine/harness.js';
import { FIXED_VALUES, LIVE_NODES } from './fixture.js';
import { eventually } from '../../support/eventually.js';

const HR: KubeRef = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'metallb-system', name: 'metallb' };
const ks = (name: string): KubeRef => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name });
const PRIORITY = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'infrastructure-priority' }, value: 1_000_000, description: 'infrastructure components' };
const CHAIN = ['infra-controllers', 'infra-configs', 'apps'];

type Cond = { type: string; status: string; reason: string; message: string; lastTransitionTime: string };
const cond = (o: KubeObject | undefined, type: string) => ((o?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
const handled = (o: KubeObject | undefined, token: string) => (o?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === token;
const isReady = (o: KubeObject | undefined) => cond(o, 'Ready')?.status === 'True';

let lab: Lab | undefined;
let dir: string | undefined;
const errors: unknown[] = [];
/** How far the lab controllers' clock runs ahead of the real one (moved on instead of sleeping). */
let ahead = 0;

async function start(): Promise<KubeAdapters> {
  dir = mkdtempSync(join(tmpdir(), 'runbook-flux-'));
  ahead = 0;
  lab = await startLab({ dir, crashLoopSeconds: 1, onError: (e) => errors.push(e), now: () => Date.now() + ahead });
  return createKubeAdapters({ kubeconfig: lab.kubeconfigPath });
}

afterEach(async () => {
  await lab?.stop();
  lab = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(errors).toEqual([]);
});

/** What the runbook's value-setting step and Flux's apply of the fixed Git would do: the renamed class and the FRR limits. */
async function fixValuesInCluster(kube: KubeAdapters): Promise<void> {
  await kube.writer.create(PRIORITY);
  await kube.writer.patch(HR, { spec: { values: FIXED_VALUES } }, 'merge');
}

async function speakersHealthy(kube: KubeAdapters): Promise<boolean> {
  const pods = (await kube.reader.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'metallb-system', labelSelector: 'app.kubernetes.io/component=speaker' }))
    .filter((p) => LIVE_NODES.includes(String((p.spec as { nodeName?: string }).nodeName)));
  return pods.length === LIVE_NODES.length && pods.every((p) => {
    const spec = p.spec as { containers: { name: string; resources?: { limits?: { memory?: string } } }[] };
    const st = (p.status as { containerStatuses?: { ready: boolean; restartCount: number; lastState?: { terminated?: unknown } }[] }).containerStatuses ?? [];
    return spec.containers.find((c) => c.name === 'frr')?.resources?.limits?.memory === '128Mi' && st.length === 4 && st.every((c) => c.ready && c.restartCount === 0 && !c.lastState?.terminated);
  });
}

describe('unstick-metallb against the lab', () => {
  it('follows the steps\' protocol: requestedAt alone stays failed; fixed values + forceAt/resetAt turn Ready; the chain then turns Ready in order', async () => {
    const kube = await start();
    const t1 = new Date().toISOString();
    await kube.writer.patch(HR, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': t1 } } }, 'merge');
    const stuck = await kube.reader.waitFor(HR, (o) => handled(o, t1), { timeoutMs: 10_000 });
    expect(isReady(stuck)).toBe(false);
    expect(cond(stuck, 'Stalled')).toMatchObject({ status: 'True', reason: 'RetriesExceeded' });

    await fixValuesInCluster(kube);
    const t2 = new Date(Date.now() + 1).toISOString();
    await kube.writer.patch(HR, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': t2, 'reconcile.fluxcd.io/forceAt': t2, 'reconcile.fluxcd.io/resetAt': t2 } } }, 'merge');
    const hr = await kube.reader.waitFor(HR, (o) => handled(o, t2) && isReady(o), { timeoutMs: 10_000 });
    expect(cond(hr, 'Ready')).toMatchObject({ reason: 'UpgradeSucceeded' });
    expect(cond(hr, 'Ready')?.message).toMatch(/^Helm upgrade succeeded for release metallb-system\/metallb\.v\d+ with chart metallb@0\.14\.8$/);
    expect(cond(hr, 'Stalled')).toBeUndefined();
    expect(hr?.status).toMatchObject({ lastHandledForceAt: t2, lastHandledResetAt: t2, failures: 0 });
    // crash loops run every second in this lab: three of them pass (the controllers' clock moved
    // on a period at a time) with every speaker healthy
    await waitUntil(() => speakersHealthy(kube));
    for (let period = 0; period < 3; period++) {
      ahead += 1000;
      lab!.settle();
    }
    expect(await speakersHealthy(kube)).toBe(true);

    for (const name of CHAIN) {
      const token = new Date().toISOString();
      await kube.writer.patch(ks(name), { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': token } } }, 'merge');
      const k = await kube.reader.waitFor(ks(name), (o) => handled(o, token) && isReady(o), { timeoutMs: 10_000 });
      expect(cond(k, 'Ready')).toMatchObject({ reason: 'ReconciliationSucceeded' });
      expect(cond(k, 'Ready')?.message).toMatch(/^Applied revision: main@sha1:[0-9a-f]{40}$/);
    }
    const times = await Promise.all(CHAIN.map(async (n) => Date.parse(cond(await kube.reader.get(ks(n)), 'Ready')!.lastTransitionTime)));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('runs the unstick-metallb runbook through the engine: the incident\'s Flux turns Ready', async () => {
    const kube = await start();
    const { runbook, diagnostics } = await loadRunbookFile(join(process.cwd(), 'runbooks', 'unstick-metallb.yaml'), registry);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The scenario's etcd leader changes are 40 minutes old: quiet for the default 2m window.
    const coerced = coerceParams(runbook!, { timeout: '30s' });
    expect(coerced.errors).toEqual([]);
    const outcome = await runRunbook({
      runbook: runbook!,
      registry,
      params: coerced.values,
      adapters: lazyAdapters({ reader: { kube: async () => kube.reader }, writer: { kube: async () => kube.writer } }),
      stateDir: mkdtempSync(join(tmpdir(), 'runbook-flux-state-')),
      confirm: async () => true,
      interactive: false,
      yes: true,
      onInterrupt: async () => 'rollback',
    });
    expect(outcome.preflight.ok).toBe(true);
    expect(outcome.message).toBeUndefined();
    expect(outcome.status).toBe('succeeded');
    expect(isReady(await kube.reader.get(HR))).toBe(true);
    for (const name of CHAIN) expect(isReady(await kube.reader.get(ks(name)))).toBe(true);
    expect((await kube.reader.get(HR))?.spec).toMatchObject({ values: { speaker: { priorityClassName: 'infrastructure-priority', frr: { resources: { limits: { memory: '128Mi' } } } } } });
    await waitUntil(() => speakersHealthy(kube));
  });

  it('refuses to touch Helm when etcd must have been quiet longer than since the scenario\'s leader changes (the preflight sees the evidence)', async () => {
    const kube = await start();
    const { runbook } = await loadRunbookFile(join(process.cwd(), 'runbooks', 'unstick-metallb.yaml'), registry);
    const coerced = coerceParams(runbook!, { 'stable-for': '1h' });
    const outcome = await runRunbook({
      runbook: runbook!, registry, params: coerced.values,
      adapters: lazyAdapters({ reader: { kube: async () => kube.reader }, writer: { kube: async () => kube.writer } }),
      stateDir: mkdtempSync(join(tmpdir(), 'runbook-flux-state-')), confirm: async () => true, interactive: false, yes: true, onInterrupt: async () => 'rollback',
    });
    expect(outcome.status).toBe('preflight-failed');
    expect(outcome.preflight.results.find((r) => !r.ok)?.message).toMatch(/^etcd unstable: \d+ report\(s\) in the last 1h, latest: .*etcdserver: leader changed/);
    expect(cond(await kube.reader.get(HR), 'Stalled')?.status).toBe('True');
  });
});

const waitUntil = (ok: () => Promise<boolean>) => eventually(ok, { what: 'every speaker healthy', intervalMs: 100 });
