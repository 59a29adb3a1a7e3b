// The store's copy-free read for the in-process controllers: the stored objects themselves,
// frozen (a controller that changed one in place would throw instead of corrupting the store),
// while list() and watch consumers still get objects of their own.
import { describe, expect, test } from 'vitest';
import { KubeStore } from '../../../src/lab/kube/store.js';
import type { KubeObject, StoreEvent } from '../../../src/lab/kube/store.js';

const cm = (name: string, namespace = 'default'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { k: 'v' } });

function fresh(): KubeStore {
  const s = new KubeStore();
  s.seedDefaults();
  s.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  return s;
}

describe('KubeStore.view', () => {
  test('returns the stored objects, frozen, sorted as list() is, filtered the same way', () => {
    const s = fresh();
    for (const [n, ns] of [['b', 'default'], ['a', 'other'], ['c', 'default']] as const) s.create(cm(n, ns));
    const view = s.view('v1', 'ConfigMap');
    expect(view.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(s.list('v1', 'ConfigMap').map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
    expect(s.view('v1', 'ConfigMap', { namespace: 'default' }).map((o) => o.metadata.name)).toEqual(['b', 'c']);
    expect(Object.isFrozen(view[0]) && Object.isFrozen(view[0]!.metadata) && Object.isFrozen(view[0]!.data)).toBe(true);
    expect(() => { (view[0]!.data as Record<string, string>).k = 'changed'; }).toThrow(TypeError);
    expect(s.view('v1', 'ConfigMap')).toEqual(view); // the same objects, not copies
    expect(s.view('v1', 'ConfigMap')[0]).toBe(view[0]);
  });

  test('list(), get() and watch events are the caller\'s own to change', () => {
    const s = fresh();
    s.create(cm('a'));
    const seen: StoreEvent[] = [];
    s.subscribe((e) => seen.push(e));
    const listed = s.list('v1', 'ConfigMap')[0]!;
    (listed.data as Record<string, string>).k = 'mine';
    expect(s.get('v1', 'ConfigMap', 'a', 'default')!.data).toEqual({ k: 'v' });
    s.mutate('v1', 'ConfigMap', 'a', 'default', (o) => { (o.data as Record<string, string>).k = 'w'; });
    expect(seen.map((e) => (e.object.data as Record<string, string>).k)).toEqual(['w']);
    expect(s.view('v1', 'ConfigMap')[0]!.data).toEqual({ k: 'w' });
  });

  test('a new type, a deleted object and a restored snapshot keep the per-type index right', () => {
    const s = fresh();
    s.create(cm('a'));
    s.create(cm('b'));
    s.delete('v1', 'ConfigMap', 'a', 'default');
    expect(s.view('v1', 'ConfigMap').map((o) => o.metadata.name)).toEqual(['b']);
    expect(s.view('v1', 'Secret')).toEqual([]);
    const restored = new KubeStore(JSON.parse(JSON.stringify(s.toJSON())));
    expect(restored.view('v1', 'ConfigMap').map((o) => o.metadata.name)).toEqual(['b']);
    expect(restored.list('v1', 'Namespace').map((o) => o.metadata.name)).toContain('other');
  });
});
