// The controllers' window on the lab store: reads are the stored objects themselves (frozen,
// never copied), writes go through the store's own create/mutate/delete. At 500 nodes the
// controllers read ~10k pods several times per pass; copying them all was most of the lab's CPU.
import type { KubeStore } from '../kube/store.js';
import type { ControllerStore, KubeObject } from './types.js';

export function controllerStore(store: KubeStore): ControllerStore {
  return {
    get: (apiVersion, kind, name, namespace) => store.get(apiVersion, kind, name, namespace),
    // Frozen: a controller that changed a listed object in place would throw, not corrupt the store.
    list: (apiVersion, kind, opts) => store.view(apiVersion, kind, opts) as KubeObject[],
    create: (obj) => store.create(obj),
    mutate: (apiVersion, kind, name, namespace, fn) => store.mutate(apiVersion, kind, name, namespace, fn),
    delete: (apiVersion, kind, name, namespace, opts) => store.delete(apiVersion, kind, name, namespace, opts),
    finalizeNamespace: (name) => store.finalizeNamespace(name),
    subscribe: (listener) => store.subscribe(listener),
    recordEvent: (involved, e) => store.recordEvent(involved, e),
  };
}
