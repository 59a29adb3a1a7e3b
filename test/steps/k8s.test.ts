// k8s.patch, k8s.wait-condition and k8s.delete-pvc through the engine against the lab
// Kubernetes API server: plans, journal records, verification and rollback on a later failure.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AdapterProvider } from '../../src/engine/adapters.js';
import type { ControllerContext } from '../../src/lab/kubelet/types.js';
import { syncVolumeProtection } from '../../src/lab/kubelet/volume-protection.js';
import { applyJsonPatch, mergeTouchedPaths } from '../../steps/k8s/json-paths.js';
import { restoreOps } from '../../steps/k8s/patch.js';
import { HEAD, adapters, outputsOf, plan, run, startKubeLab } from './fixture.js';
import type { KubeLab } from './fixture.js';

let lab: KubeLab;
let provider: AdapterProvider;
let stopProtection: () => void;

beforeAll(async () => {
  lab = await startKubeLab();
  provider = adapters({ kube: lab });
  // The pvc-protection controller of the lab: releases a deleted claim no running pod uses.
  const ctx = { store: lab.store } as unknown as ControllerContext;
  let queued = false;
  stopProtection = lab.store.subscribe(() => {
    if (queued) return;
    queued = true;
    setTimeout(() => {
      queued = false;
      syncVolumeProtection(ctx);
    }, 0);
  });
});
afterAll(async () => {
  stopProtection();
  await lab.stop();
});

const cm = (name: string) => lab.store.get('v1', 'ConfigMap', name, 'default');

describe('k8s.patch', () => {
  const seedConfigMap = (name: string) =>
    lab.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { app: 'frr' } }, data: { a: '1', b: '2' } });

  test('plan lists each touched field before -> after, and a later failure restores exactly those fields', async () => {
    seedConfigMap('p1');
    const yaml = `${HEAD}steps:
  - id: patch
    uses: k8s.patch
    with:
      kind: ConfigMap
      namespace: default
      name: p1
      patch: { data: { a: "10", c: "3" }, metadata: { labels: { tier: infra, app: null } } }
  - { id: boom, uses: test.fail, needs: [patch] }
`;
    const planned = await plan(yaml, provider);
    const changes = planned.plan.find((e) => e.key === 'patch')!.changes;
    expect(changes.map((c) => [c.summary, c.before, c.after])).toEqual([
      ['data.a', '1', '10'],
      ['data.c', undefined, '3'],
      ['metadata.labels.tier', undefined, 'infra'],
      ['metadata.labels.app', 'frr', undefined],
    ]);
    expect(planned.plan.find((e) => e.key === 'patch')!.destructive).toBe(true);

    const out = await run(yaml, provider);
    expect(out.status).toBe('rolled-back');
    expect(out.journal.some((r) => r.t === 'object-saved' && r.saved.ref === 'v1/ConfigMap/default/p1')).toBe(true);
    const applied = out.journal.find((r) => r.t === 'step-applied' && r.key === 'patch');
    expect(applied).toMatchObject({ outputs: { changed: ['data.a', 'data.c', 'metadata.labels.tier', 'metadata.labels.app'] } });
    const restored = cm('p1')!;
    expect(restored.data).toEqual({ a: '1', b: '2' });
    expect(restored.metadata.labels).toEqual({ app: 'frr' });
  });

  test('rollback leaves fields the patch did not touch, even when they changed after it', async () => {
    seedConfigMap('p2');
    // The second step changes data.b through the API; the third fails; only data.a is undone.
    const yaml = `${HEAD}steps:
  - { id: patch, uses: k8s.patch, with: { kind: ConfigMap, namespace: default, name: p2, patch: { data: { a: "10" } } } }
  - { id: other, uses: k8s.patch, needs: [patch], with: { kind: ConfigMap, namespace: default, name: p2, patch: { data: { b: "20" } } } }
  - { id: boom, uses: test.fail, needs: [other] }
`;
    const out = await run(yaml, provider);
    expect(out.status).toBe('rolled-back');
    expect(out.rollback?.rolledBack).toEqual(['other', 'patch']);
    expect(cm('p2')!.data).toEqual({ a: '1', b: '2' });
  });

  test('a merge patch that succeeds is verified and kept', async () => {
    seedConfigMap('p3');
    const out = await run(`${HEAD}steps:
  - { id: patch, uses: k8s.patch, with: { kind: ConfigMap, namespace: default, name: p3, patch: { data: { a: "5" } } } }
`, provider);
    expect(out.status).toBe('succeeded');
    expect(cm('p3')!.data).toEqual({ a: '5', b: '2' });
    expect(out.journal.find((r) => r.t === 'step-succeeded' && r.key === 'patch')).toBeDefined();
  });

  test('a JSON patch on a list saves the whole list and restores it', async () => {
    const created = lab.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n-json', labels: { role: 'w' } }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] } });
    // Admission added the not-ready taint to the new node: the list as stored is the "before".
    const before = (created.spec as { taints: unknown[] }).taints;
    expect(before).toContainEqual({ key: 'a', effect: 'NoSchedule' });
    const yaml = `${HEAD}steps:
  - id: patch
    uses: k8s.patch
    with:
      kind: Node
      name: n-json
      type: json
      patch:
        - { op: add, path: /spec/taints/-, value: { key: b, effect: NoExecute } }
        - { op: add, path: /metadata/labels/zone, value: z1 }
  - { id: boom, uses: test.fail, needs: [patch] }
`;
    const planned = await plan(yaml, provider);
    const changes = planned.plan.find((e) => e.key === 'patch')!.changes;
    expect(changes.map((c) => c.summary)).toEqual(['spec.taints', 'metadata.labels.zone']);
    expect(changes[0]!.after).toEqual([...before, { key: 'b', effect: 'NoExecute' }]);
    const out = await run(yaml, provider);
    expect(out.status).toBe('rolled-back');
    const node = lab.store.get('v1', 'Node', 'n-json')!;
    expect((node.spec as { taints: unknown }).taints).toEqual(before);
    expect(node.metadata.labels).toEqual({ role: 'w' });
  });

  test('a strategic patch merges lists by key; rollback puts the previous list back', async () => {
    const before = lab.store.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sp', namespace: 'default' },
      spec: { nodeName: 'n-json', containers: [{ name: 'app', image: 'img/app:1' }, { name: 'side', image: 'img/side:1' }] },
    });
    const out = await run(`${HEAD}steps:
  - { id: patch, uses: k8s.patch, with: { kind: Pod, namespace: default, name: sp, type: strategic, patch: { metadata: { annotations: { x: y } } } } }
  - id: strategic
    uses: k8s.patch
    needs: [patch]
    with: { kind: Pod, namespace: default, name: sp, type: strategic, patch: { spec: { containers: [ { name: side, image: "img/side:2" } ] } } }
  - { id: boom, uses: test.fail, needs: [strategic] }
`, provider);
    expect(out.status).toBe('rolled-back');
    const applied = out.journal.find((r) => r.t === 'step-applied' && r.key === 'strategic') as { outputs: { changed: string[] } } | undefined;
    expect(applied?.outputs.changed).toEqual(['spec.containers']);
    const pod = lab.store.get('v1', 'Pod', 'sp', 'default')!;
    // Exactly the stored list (with the server's defaults) from before the patch.
    expect((pod.spec as { containers: { name: string; image: string }[] }).containers.map((c) => `${c.name}=${c.image}`)).toEqual(['app=img/app:1', 'side=img/side:1']);
    expect((pod.spec as { containers: unknown[] }).containers).toEqual((before.spec as { containers: unknown[] }).containers);
    expect(pod.metadata.annotations ?? {}).toEqual({});
  });

  test('refuses Secrets (their previous values would be journaled) and missing objects at preflight', async () => {
    lab.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { k: 'dg==' } });
    const secret = await run(`${HEAD}steps:
  - { id: patch, uses: k8s.patch, with: { kind: Secret, namespace: default, name: s, patch: { data: { k: "eA==" } } } }
`, provider);
    expect(secret.status).toBe('preflight-failed');
    expect(JSON.stringify(secret.preflight.results)).toContain('does not patch Secrets');
    const missing = await run(`${HEAD}steps:
  - { id: patch, uses: k8s.patch, with: { kind: ConfigMap, namespace: default, name: nope, patch: { data: { a: "1" } } } }
`, provider);
    expect(missing.status).toBe('preflight-failed');
    expect(JSON.stringify(missing.preflight.results)).toContain('configmap/default/nope not found');
    const crd = await run(`${HEAD}steps:
  - { id: patch, uses: k8s.patch, with: { apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, namespace: default, name: x, type: strategic, patch: { spec: { suspend: true } } } }
`, provider);
    expect(crd.status).toBe('preflight-failed');
    expect(JSON.stringify(crd.preflight.results)).toContain('does not take strategic merge patches');
  });
});

describe('k8s.wait-condition', () => {
  test('waits through the watch until the condition holds and outputs its reason/message', async () => {
    lab.store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w1', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }] } });
    setTimeout(() => lab.store.mutate('v1', 'Pod', 'w1', 'default', (p) => {
      p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', reason: 'PodReady', message: 'all containers ready' }] };
    }), 200);
    const out = await run(`${HEAD}steps:
  - { id: wait, uses: k8s.wait-condition, with: { kind: Pod, namespace: default, name: w1, condition: Ready, timeout: 20s } }
`, provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'wait')).toEqual({ status: 'True', reason: 'PodReady', message: 'all containers ready' });
  });

  test('a condition computed for an older generation does not count; the failure names the current state', async () => {
    lab.store.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd1', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } } });
    lab.store.mutate('apps/v1', 'Deployment', 'd1', 'default', (d) => {
      (d.spec as { replicas: number }).replicas = 2; // generation 2
      d.status = { observedGeneration: 1, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'has minimum availability' }] };
    });
    const out = await run(`${HEAD}steps:
  - { id: wait, uses: k8s.wait-condition, with: { apiVersion: apps/v1, kind: Deployment, namespace: default, name: d1, condition: Available, timeout: 400ms } }
`, provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain('Available=True (MinimumReplicasAvailable): has minimum availability [for an older generation]');
  });
});

describe('k8s.delete-pvc', () => {
  const claim = (name: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'db' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path' } });
  const pvc = (name: string) => lab.store.get('v1', 'PersistentVolumeClaim', name, 'db');

  beforeAll(() => {
    lab.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'db' } });
    for (const n of ['data-a', 'data-b', 'data-c', 'logs-a']) lab.store.create(claim(n));
    lab.store.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', namespace: 'db' },
      spec: { nodeName: 'n1', containers: [{ name: 'db', image: 'img/db:1' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-b' } }] },
      status: { phase: 'Running' },
    });
  });

  test('refuses, at preflight, claims a running pod uses', async () => {
    const out = await run(`${HEAD}steps:
  - { id: del, uses: k8s.delete-pvc, with: { namespace: db, name: "data-*" } }
`, provider);
    expect(out.status).toBe('preflight-failed');
    expect(JSON.stringify(out.preflight.results)).toContain('persistentvolumeclaim/db/data-b is used by running pod(s) db-0');
    expect(pvc('data-a')).toBeDefined();
  });

  test('journals each claim before deleting it, waits until gone; a later failure re-creates it', async () => {
    const yaml = `${HEAD}steps:
  - { id: del, uses: k8s.delete-pvc, with: { namespace: db, name: [data-a, "logs-*"], timeout: 20s } }
  - { id: boom, uses: test.fail, needs: [del] }
`;
    const planned = await plan(yaml, provider);
    expect(planned.plan.find((e) => e.key === 'del')!.changes.map((c) => `${c.op} ${c.target}`)).toEqual(['delete persistentvolumeclaim/db/data-a', 'delete persistentvolumeclaim/db/logs-a']);
    const uid = pvc('data-a')!.metadata.uid;
    const out = await run(yaml, provider);
    expect(out.status).toBe('rolled-back');
    const kinds = out.journal.map((r) => (r.t === 'object-saved' ? `saved ${r.saved.ref}` : r.t));
    expect(kinds.indexOf('saved v1/PersistentVolumeClaim/db/data-a')).toBeGreaterThan(-1);
    expect(kinds.indexOf('saved v1/PersistentVolumeClaim/db/data-a')).toBeLessThan(kinds.indexOf('step-applied'));
    expect(out.journal.find((r) => r.t === 'step-applied' && r.key === 'del')).toMatchObject({ outputs: { deleted: ['persistentvolumeclaim/db/data-a', 'persistentvolumeclaim/db/logs-a'], terminating: [] } });
    // Re-created from the saved copy: same spec, a new object.
    expect(pvc('data-a')).toBeDefined();
    expect(pvc('data-a')!.metadata.uid).not.toBe(uid);
    expect(pvc('logs-a')).toBeDefined();
  });

  test('deletes for good when nothing fails', async () => {
    const out = await run(`${HEAD}steps:
  - { id: del, uses: k8s.delete-pvc, with: { namespace: db, name: data-c, timeout: 20s } }
`, provider);
    expect(out.status).toBe('succeeded');
    expect(pvc('data-c')).toBeUndefined();
  });

  test('force deletes a claim in use: it stays Terminating while the pod runs', async () => {
    const out = await run(`${HEAD}steps:
  - { id: del, uses: k8s.delete-pvc, with: { namespace: db, name: data-b, force: true } }
`, provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'del')).toEqual({ deleted: ['persistentvolumeclaim/db/data-b'], terminating: ['persistentvolumeclaim/db/data-b'] });
    expect(pvc('data-b')?.metadata.deletionTimestamp).toBeDefined();
  });
});

describe('patch paths (what k8s.patch plans and saves)', () => {
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } };

  test('a merge patch touches leaves, or the highest level that does not exist yet', () => {
    expect(mergeTouchedPaths(obj, { metadata: { labels: { a: null, b: '2' }, annotations: { x: { y: 'z' } } } })).toEqual([
      ['metadata', 'labels', 'a'],
      ['metadata', 'labels', 'b'],
      ['metadata', 'annotations'],
    ]);
    expect(mergeTouchedPaths(obj, { metadata: { '$deleteFromPrimitiveList/finalizers': ['f'] }, spec: { $retainKeys: ['containers'] } })).toEqual([['metadata', 'finalizers'], ['spec']]);
  });

  test('JSON patches resolve nested array indexes', () => {
    const after = applyJsonPatch(obj, [{ op: 'replace', path: '/spec/containers/0/ports/0/containerPort', value: 8080 }]) as typeof obj;
    expect(after.spec.containers[0]!.ports[0]!.containerPort).toBe(8080);
    expect(() => applyJsonPatch(obj, [{ op: 'test', path: '/metadata/labels/a', value: '2' }])).toThrow(/test failed/);
  });

  test('restore ops put back saved values, re-create missing parents and remove added fields', () => {
    const now = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { b: '2' } } };
    expect(restoreOps(now as never, [
      { path: ['metadata', 'labels', 'a'], existed: true, value: '1' },
      { path: ['metadata', 'labels', 'b'], existed: false },
      { path: ['metadata', 'annotations', 'k/v'], existed: true, value: 'x' },
    ])).toEqual([
      { op: 'add', path: '/metadata/labels/a', value: '1' },
      { op: 'remove', path: '/metadata/labels/b' },
      { op: 'add', path: '/metadata/annotations', value: {} },
      { op: 'add', path: '/metadata/annotations/k~1v', value: 'x' },
    ]);
  });
});
