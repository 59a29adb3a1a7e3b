// Deleting races the controllers that own what is deleted: between our read and our write the
// PV protection controller may drop its finalizer (the volume vanishes) or change the object.
// Each case forces that interleaving through a writer that lets "the controller" act on the lab
// store just before our request leaves, then sends the real request to the lab over HTTPS.
// (Found by CI: purge-dead-node failed with "patch persistentvolume ...: not found".)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, KubeWriter } from '../../src/adapters/ports.js';
import { clearFinalizers, deleteObject } from '../../steps/k8s/delete-saved.js';
import { startKubeLab } from './fixture.js';
import type { KubeLab } from './fixture.js';

const PROTECTION = 'kubernetes.io/pv-protection';
let lab: KubeLab;
beforeAll(async () => {
  lab = await startKubeLab();
});
afterAll(async () => {
  await lab?.stop();
});

function pv(name: string, finalizers: string[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, finalizers },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` } },
  };
}

const stored = (name: string) => lab.store.get('v1', 'PersistentVolume', name);

/** The real writer, with `before` run on the lab store just before each request of `method` leaves. */
function racing(method: 'patch' | 'delete', before: () => void): KubeWriter {
  const real = lab.kube.writer;
  let raced = false;
  const race = () => {
    if (!raced) before();
    raced = true;
  };
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === method) return async (...args: unknown[]) => (race(), (target[method] as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('deleting while a controller works on the same object', () => {
  it('clearFinalizers: the controller removed its finalizer and the volume is gone (404): done, not an error', async () => {
    lab.store.create(pv('pv-vanishes', [PROTECTION]));
    lab.store.delete('v1', 'PersistentVolume', 'pv-vanishes');
    expect(stored('pv-vanishes')?.metadata.deletionTimestamp).toBeTruthy();
    const writer = racing('patch', () => lab.store.mutate('v1', 'PersistentVolume', 'pv-vanishes', undefined, (o) => void (o.metadata.finalizers = [])));
    await expect(clearFinalizers(writer, stored('pv-vanishes')!, [PROTECTION])).resolves.toBe(false);
    expect(stored('pv-vanishes')).toBeUndefined();
  });

  it('clearFinalizers: the object changed under us (the resourceVersion test fails, 422): read again and clear it', async () => {
    lab.store.create(pv('pv-changes', [PROTECTION, 'example.com/keep']));
    lab.store.delete('v1', 'PersistentVolume', 'pv-changes');
    const writer = racing('patch', () => lab.store.mutate('v1', 'PersistentVolume', 'pv-changes', undefined, (o) => void (o.metadata.labels = { touched: 'yes' })));
    await expect(clearFinalizers(writer, stored('pv-changes')!, [PROTECTION])).resolves.toBe(true);
    expect(stored('pv-changes')?.metadata).toMatchObject({ finalizers: ['example.com/keep'], labels: { touched: 'yes' } });
  });

  it('deleteObject: the object went between our read and our DELETE (404): not an error (the writer takes it as done)', async () => {
    lab.store.create(pv('pv-taken', []));
    // Deleted and its protection finalizer dropped (admission added it at create): gone.
    const writer = racing('delete', () => {
      lab.store.delete('v1', 'PersistentVolume', 'pv-taken');
      lab.store.mutate('v1', 'PersistentVolume', 'pv-taken', undefined, (o) => void (o.metadata.finalizers = []));
    });
    await expect(deleteObject(writer, stored('pv-taken')!)).resolves.toBeUndefined();
    expect(stored('pv-taken')).toBeUndefined();
  });
});
