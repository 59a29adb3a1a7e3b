// The real kube-apiserver v1.20 (test/support's, when its binary is built; etcd from the
// etcd-server package) holding the same pods as a lab: the comparison that tells the server's
// share of `kubectl get pods -A` from kubectl's own. Absent binaries: undefined, and the bench
// row says so instead of failing.
import { realApiserverAvailable, startRealApiserver, type RealApiserver } from '../test/support/real-apiserver.js';
import { apiRequest } from '../test/support/real-apiserver/http.js';
import type { KubeObject } from '../src/lab/kube/store.js';

/** Raw POSTs in flight at once: kubectl create would be throttled like the get it is compared with. */
const CONCURRENCY = 16;

export interface Filled {
  server: RealApiserver;
  created: number;
  /** The first rejection, if any pod was refused (the row reports it). */
  firstError?: string;
  fillMs: number;
}

/** What a client would POST: the pod's name, labels and spec, nothing the server assigns. */
function asCreated(p: KubeObject): KubeObject {
  const { name, namespace, labels, annotations } = p.metadata;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) }, spec: p.spec };
}

async function post(s: RealApiserver, path: string, body: KubeObject): Promise<string | undefined> {
  const r = await apiRequest(s.url, s.caPem, path, { method: 'POST', token: s.adminToken, body, timeoutMs: 30_000 });
  return r.status === 201 || r.status === 409 ? undefined : `${r.status} ${r.text.slice(0, 200)}`;
}

/** Starts the real apiserver and creates `pods` (and their namespaces) in it; undefined when it is not built here. */
export async function realApiserverWith(pods: readonly KubeObject[]): Promise<Filled | undefined> {
  if (!realApiserverAvailable()) return undefined;
  const server = await startRealApiserver();
  try {
    const t0 = performance.now();
    const namespaces = [...new Set(pods.map((p) => p.metadata.namespace ?? 'default'))];
    const errors: string[] = [];
    for (const ns of namespaces) {
      const e = await post(server, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      if (e) errors.push(`namespace ${ns}: ${e}`);
    }
    let next = 0;
    let created = 0;
    const worker = async () => {
      for (let i = next++; i < pods.length; i = next++) {
        const p = pods[i]!;
        const e = await post(server, `/api/v1/namespaces/${p.metadata.namespace}/pods`, asCreated(p));
        if (e) errors.push(`pod ${p.metadata.namespace}/${p.metadata.name}: ${e}`);
        else created++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { server, created, fillMs: performance.now() - t0, ...(errors[0] ? { firstError: errors[0] } : {}) };
  } catch (e) {
    await server.stop();
    throw e;
  }
}
