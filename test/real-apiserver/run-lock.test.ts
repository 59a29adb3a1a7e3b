// The cluster run lock on a real kube-apiserver: a coordination.k8s.io/v1 Lease, two
// processes (see test/support/run-lock-scenario.ts, the same scenario the lab passes).
import { request } from 'node:https';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { provesRunLock } from '../support/run-lock-scenario.js';
import { startRealApiserver, type RealApiserver } from '../support/real-apiserver.js';

let api: RealApiserver;

beforeAll(async () => {
  api = await startRealApiserver();
  // A Node object to cordon: no kubelet here, the API object is all the runbook needs.
  await new Promise<void>((resolve, reject) => {
    const req = request(new URL('/api/v1/nodes', api.url), { method: 'POST', ca: api.caPem, headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`create node: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' } }));
  });
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('the cluster run lock (real kube-apiserver)', () => {
  it('refuses a second run while one works, releases at the end, and is taken over after its holder dies', async () => {
    await provesRunLock({ KUBECONFIG: api.kubeconfigPath }, 'worker-1');
  }, 90_000);
});
