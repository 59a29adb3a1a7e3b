// Our own Kubernetes adapter (createKubeAdapters) against the lab server and a real kube-apiserver: reads with
// pagination, waits driven by watches, writes with all three patch types, eviction, errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createKubeAdapters } from '../../../src/adapters/kube/adapter.js';
import type { KubeAdapters } from '../../../src/adapters/kube/adapter.js';
import { ApiError } from '../../../src/errors.js';
import { KUBE_BACKENDS, playKubelets, readyNode, runningPod, seed, startKubeFixture, writePdbStatus } from './fixture.js';
import type { KubeFixture } from './fixture.js';

let f: KubeFixture;
let kube: KubeAdapters;
describe.each(KUBE_BACKENDS)('%s', (backend) => {
  beforeAll(async () => {
    f = await startKubeFixture(backend);
    kube = await createKubeAdapters({ kubeconfig: f.kubeconfigPath });
    await seed(f, readyNode('a1'));
    await seed(f, readyNode('a2'));
  });
  afterAll(async () => { await f?.stop(); });

  const nodeRef = (name: string) => ({ apiVersion: 'v1', kind: 'Node', name });

  describe('reader', () => {
    test('ready() is true and get() answers undefined for a missing object', async () => {
      expect(await kube.reader.ready()).toBe(true);
      expect(await kube.reader.get(nodeRef('missing'))).toBeUndefined();
      const n = await kube.reader.get(nodeRef('a1'));
      expect(n?.metadata.name).toBe('a1');
    });

    test('list() pages with limit/continue and returns self-describing objects', async () => {
      for (let batch = 0; batch < 503; batch += 50) {
        await Promise.all(Array.from({ length: Math.min(50, 503 - batch) }, (_, k) => seed(f, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bulk-${String(batch + k).padStart(3, '0')}`, namespace: 'default', labels: { bulk: 'yes' } } })));
      }
      const all = await kube.reader.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', labelSelector: 'bulk=yes' });
      expect(all).toHaveLength(503);
      expect(new Set(all.map((o) => o.metadata.name)).size).toBe(503);
      expect(all[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    });

    test('list() of a custom resource and with a field selector', async () => {
      await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
      await seed(f, { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { path: './apps' } });
      const ks = await kube.reader.list({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' });
      expect(ks.map((k) => `${k.metadata.namespace}/${k.metadata.name}`)).toEqual(['flux-system/apps']);
      const cordoned = await kube.reader.list({ apiVersion: 'v1', kind: 'Node', fieldSelector: 'spec.unschedulable=true' });
      expect(cordoned).toEqual([]);
    });

    test('waitFor() resolves when a later change makes the condition true', async () => {
      setTimeout(() => void f.request('PATCH', '/api/v1/nodes/a2', { spec: { unschedulable: true } }, { contentType: 'application/merge-patch+json' }), 50);
      const got = await kube.reader.waitFor(nodeRef('a2'), (o) => (o?.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true, { timeoutMs: 10_000 });
      expect(got?.metadata.name).toBe('a2');
      setTimeout(() => void f.request('DELETE', '/api/v1/nodes/a2'), 50);
      expect(await kube.reader.waitFor(nodeRef('a2'), (o) => o === undefined, { timeoutMs: 10_000 })).toBeUndefined();
    });

    test('waitFor() rejects on timeout', async () => {
      await expect(kube.reader.waitFor(nodeRef('a1'), () => false, { timeoutMs: 300 })).rejects.toThrow(/timed out/);
    });
  });

  describe('writer', () => {
    test('create, patch with merge/strategic/json, delete', async () => {
      const created = await kube.writer.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w', namespace: 'default' }, data: { a: '1' } });
      expect(created.metadata.uid).toBeDefined();
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'w', namespace: 'default' };
      expect((await kube.writer.patch(ref, { data: { b: '2' } }, 'merge')).data).toEqual({ a: '1', b: '2' });
      expect((await kube.writer.patch(ref, { metadata: { labels: { s: '1' } } }, 'strategic')).metadata.labels).toEqual({ s: '1' });
      expect((await kube.writer.patch(ref, [{ op: 'remove', path: '/data/a' }], 'json')).data).toEqual({ b: '2' });
      await kube.writer.delete(ref);
      await kube.writer.delete(ref); // already gone is fine
      expect(await kube.writer.get(ref)).toBeUndefined();
    });

    test('create of an existing object maps to a conflict ApiError with the server message', async () => {
      const err = await kube.writer.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'a1' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).kind).toBe('conflict');
      expect((err as Error).message).toContain('nodes "a1" already exists');
    });

    test('evict() reports a PDB block and then evicts', async () => {
      await seed(f, runningPod('guarded', 'a1', { app: 'g' }));
      // The served policy version (v1 or v1beta1): the adapter discovers it, as kubectl drain does.
      await seed(f, { apiVersion: f.policy, kind: 'PodDisruptionBudget', metadata: { name: 'g', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'g' } } } });
      await writePdbStatus(f, 'default', 'g', { healthy: 1, desired: 1, expected: 1 });
      const ref = { apiVersion: 'v1', kind: 'Pod', name: 'guarded', namespace: 'default' };
      expect(await kube.writer.evict(ref)).toEqual({ evicted: false, reason: 'pdb', message: "Cannot evict pod as it would violate the pod's disruption budget." });
      await kube.writer.patch({ apiVersion: f.policy, kind: 'PodDisruptionBudget', name: 'g', namespace: 'default' }, { spec: { minAvailable: 0 } }, 'merge');
      await writePdbStatus(f, 'default', 'g', { healthy: 1, desired: 0, expected: 1 });
      expect(await kube.writer.evict(ref)).toEqual({ evicted: true });
      // Terminating until its kubelet confirms; then gone.
      expect((await kube.writer.get(ref))?.metadata.deletionTimestamp).toBeDefined();
      const stopKubelets = playKubelets(f, 'default');
      try {
        expect(await kube.reader.waitFor(ref, (o) => o === undefined, { timeoutMs: 10_000 })).toBeUndefined();
      } finally {
        stopKubelets();
      }
    });
  });
});
