// The Kubernetes adapter's entry: the only module the rest of the tool imports for Kubernetes.
import type { KubeReader, KubeWriter } from '../ports.js';
import type { CallPolicy } from '../api-call.js';
import { loadKubeConfig } from './config.js';
import type { KubeTarget } from './config.js';
import { ClientNodeWriter } from './writer.js';

export interface KubeAdapters {
  reader: KubeReader;
  writer: KubeWriter;
}

/** One client for both sides; the reader handed to plan() exposes only reads. */
export async function createKubeAdapters(target: KubeTarget, policy?: CallPolicy): Promise<KubeAdapters> {
  const writer = new ClientNodeWriter(await loadKubeConfig(target), policy);
  const reader: KubeReader = {
    get: (ref) => writer.get(ref),
    list: (q) => writer.list(q),
    waitFor: (ref, until, o) => writer.waitFor(ref, until, o),
    ready: () => writer.ready(),
  };
  return { reader, writer };
}
