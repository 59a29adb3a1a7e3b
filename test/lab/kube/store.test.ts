// KubeStore, the in-process side of the lab API server: the same rules without HTTP.
import { describe, expect, test } from 'vitest';
import { KubeStatusError, KubeStore } from '../../../src/lab/kube/store.js';
import type { KubeObject, StoreEvent } from '../../../src/lab/kube/store.js';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ...extra }, data: { k: 'v' } });

function fresh(): KubeStore {
  const s = new KubeStore();
  s.seedDefaults();
  return s;
}

function thrown(fn: () => unknown): KubeStatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KubeStatusError) return e;
    throw e;
  }
  throw new Error('expected a KubeStatusError');
}

describe('KubeStore', () => {
  test('assigns server-managed metadata and deep-copies in and out', () => {
    const s = fresh();
    const input = cm('a');
    const created = s.create(input);
    expect(created.metadata).toMatchObject({ name: 'a', namespace: 'default' });
    expect(created.metadata.generation).toBeUndefined(); // core types of v1.32 keep no generation
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(input.metadata.uid).toBeUndefined();
    created.data = { changed: 'yes' };
    expect(s.get('v1', 'ConfigMap', 'a', 'default')?.data).toEqual({ k: 'v' });
  });

  test('errors are KubeStatusErrors carrying a metav1.Status', () => {
    const s = fresh();
    s.create(cm('a'));
    const exists = thrown(() => s.create(cm('a')));
    expect(exists).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'configmaps "a" already exists' });
    expect(exists.status).toMatchObject({ kind: 'Status', status: 'Failure', code: 409 });
    const stale = thrown(() => s.update({ ...cm('a'), metadata: { ...cm('a').metadata, resourceVersion: '1' } }));
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(thrown(() => s.create({ ...cm('b'), metadata: { name: 'b', namespace: 'nope' } })).message).toBe('namespaces "nope" not found');
    expect(thrown(() => s.mutate('v1', 'Node', 'ghost', undefined, () => undefined)).message).toBe('nodes "ghost" not found');
  });

  test('no-op updates keep the resourceVersion; spec changes bump generation, status changes do not', () => {
    const s = fresh();
    const d = s.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'p', namespace: 'default' }, spec: { replicas: 1 } });
    expect(d.metadata.generation).toBe(1);
    expect(s.update(d).metadata.resourceVersion).toBe(d.metadata.resourceVersion);
    const withStatus = s.mutate('apps/v1', 'Deployment', 'p', 'default', (o) => { o.status = { replicas: 1 }; });
    expect(withStatus.metadata.generation).toBe(1);
    expect(Number(withStatus.metadata.resourceVersion)).toBeGreaterThan(Number(d.metadata.resourceVersion));
    const newSpec = s.mutate('apps/v1', 'Deployment', 'p', 'default', (o) => { o.spec = { replicas: 2 }; });
    expect(newSpec.metadata.generation).toBe(2);
  });

  test('finalizers keep a deleted object until an update empties them', () => {
    const s = fresh();
    const events: StoreEvent[] = [];
    const stop = s.subscribe((e) => events.push(e));
    s.create(cm('held', { finalizers: ['example.com/x'] }));
    const terminating = s.delete('v1', 'ConfigMap', 'held', 'default');
    expect(terminating?.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(s.get('v1', 'ConfigMap', 'held', 'default')?.metadata.deletionTimestamp).toBeDefined();
    s.mutate('v1', 'ConfigMap', 'held', 'default', (o) => { o.metadata.finalizers = []; });
    expect(s.get('v1', 'ConfigMap', 'held', 'default')).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    stop();
    s.create(cm('quiet'));
    expect(events).toHaveLength(3);
    expect(s.delete('v1', 'ConfigMap', 'never', 'default')).toBeUndefined();
  });

  test('deleting an owner deletes its dependents; Orphan only drops the owner reference', () => {
    const s = fresh();
    const deploy = s.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: {} });
    const ref = (o: KubeObject) => [{ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true }];
    const rs = s.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'd-1', namespace: 'default', ownerReferences: ref(deploy) }, spec: {} });
    s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'd-1-a', namespace: 'default', ownerReferences: ref(rs) }, spec: {} });
    s.delete('apps/v1', 'Deployment', 'd', 'default');
    expect(s.list('apps/v1', 'ReplicaSet')).toEqual([]);
    expect(s.list('v1', 'Pod')).toEqual([]);

    const owner = s.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'o', namespace: 'default' }, spec: {} });
    s.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kept', namespace: 'default', ownerReferences: ref(owner) }, spec: {} });
    s.delete('apps/v1', 'ReplicaSet', 'o', 'default', { propagationPolicy: 'Orphan' });
    expect(s.get('v1', 'Pod', 'kept', 'default')?.metadata.ownerReferences).toBeUndefined();
  });

  test('deleting a namespace leaves it Terminating with its content; it goes only once emptied', () => {
    const s = fresh();
    s.create(ns('team'));
    s.create({ ...cm('x'), metadata: { name: 'x', namespace: 'team' } });
    const terminating = s.delete('v1', 'Namespace', 'team');
    expect(terminating).toMatchObject({ metadata: { deletionTimestamp: expect.any(String) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } });
    expect(s.list('v1', 'ConfigMap', { namespace: 'team' })).toHaveLength(1);
    expect(thrown(() => s.create({ ...cm('y'), metadata: { name: 'y', namespace: 'team' } })).code).toBe(403);
    expect(s.finalizeNamespace('team')).toBe(false);
    s.delete('v1', 'ConfigMap', 'x', 'team');
    expect(s.finalizeNamespace('team')).toBe(true);
    expect(s.get('v1', 'Namespace', 'team')).toBeUndefined();
  });

  test('list filters by namespace, label and field selectors', () => {
    const s = fresh();
    s.create(cm('a', { labels: { app: 'x' } }));
    s.create(cm('b', { labels: { app: 'y' } }));
    s.create({ ...cm('c'), metadata: { name: 'c', namespace: 'kube-system', labels: { app: 'x' } } });
    expect(s.list('v1', 'ConfigMap', { labelSelector: 'app=x' }).map((o) => o.metadata.name)).toEqual(['a', 'c']);
    expect(s.list('v1', 'ConfigMap', { namespace: 'default', fieldSelector: 'metadata.name!=a' }).map((o) => o.metadata.name)).toEqual(['b']);
    expect(thrown(() => s.list('v9', 'Nope')).code).toBe(400);
  });

  test('recordEvent writes a core/v1 Event about the object, node events in "default"', () => {
    const s = new KubeStore();
    const node = s.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    const ev = s.recordEvent(node, { type: 'Warning', reason: 'NodeNotReady', message: 'Node n1 status is now: NodeNotReady', component: 'node-controller' });
    expect(ev).toMatchObject({
      metadata: { namespace: 'default' }, type: 'Warning', reason: 'NodeNotReady', count: 1, source: { component: 'node-controller' },
      involvedObject: { kind: 'Node', name: 'n1', uid: node.metadata.uid, apiVersion: 'v1' },
    });
    const again = s.recordEvent(node, { type: 'Warning', reason: 'NodeNotReady', message: 'Node n1 status is now: NodeNotReady', component: 'node-controller' });
    expect(again).toMatchObject({ metadata: { name: ev.metadata.name }, count: 2 });
    expect(s.list('v1', 'Event', { fieldSelector: 'involvedObject.name=n1,reason=NodeNotReady' })).toHaveLength(1);
  });

  test('toJSON / constructor round-trip keeps objects and the resourceVersion counter', () => {
    const s = fresh();
    const a = s.create(cm('a'));
    const restored = new KubeStore(JSON.parse(JSON.stringify(s.toJSON())));
    expect(restored.get('v1', 'ConfigMap', 'a', 'default')).toEqual(a);
    const b = restored.create(cm('b'));
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    restored.seedDefaults(); // idempotent
    expect(restored.list('v1', 'Namespace').map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  test('listeners see events in resourceVersion order even when a listener writes', () => {
    const s = fresh();
    const seen: string[] = [];
    s.subscribe((e) => {
      if (e.object.metadata.name === 'trigger' && e.type === 'ADDED') s.create(cm('reaction'));
    });
    s.subscribe((e) => seen.push(`${e.object.metadata.resourceVersion} ${e.type} ${e.object.metadata.name}`));
    s.create(cm('trigger'));
    const rvs = seen.map((l) => Number(l.split(' ')[0]));
    expect(seen.map((l) => l.split(' ').slice(1).join(' '))).toEqual(['ADDED trigger', 'ADDED reaction']);
    expect(rvs[1]).toBeGreaterThan(rvs[0]!);
  });

  test('a failing listener does not undo the write and is reported', () => {
    const errors: unknown[] = [];
    const s = new KubeStore(undefined, { onListenerError: (e) => errors.push(e) });
    s.subscribe(() => { throw new Error('listener bug'); });
    s.create(ns('still-created'));
    expect(s.get('v1', 'Namespace', 'still-created')).toBeDefined();
    expect(errors).toEqual([new Error('listener bug')]);
  });
});
