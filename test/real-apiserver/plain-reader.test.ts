// Doctor's plain Kubernetes reader (no client-node) against a real kube-apiserver v1.20: the
// same objects as client-node's reader, list by list (discovery of a real server, subresources
// and all); a group the server does not serve is not-found and a refused list is forbidden in
// the server's own words, as through client-node; the diagnosis finds the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeAdapters } from '../../src/adapters/kube/adapter.js';
import { createListReader } from '../../src/adapters/kube/plain-reader.js';
import type { KubeListQuery, KubeReader } from '../../src/adapters/ports.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { ApiError } from '../../src/errors.js';
import { startRealApiserver, type RealApiserver } from '../support/real-apiserver.js';

const settled = async (p: Promise<unknown>) => p.then((v) => ({ v }), (e: unknown) => ({ e }));

describe('the plain reader against a real kube-apiserver', () => {
  let api: RealApiserver;
  let plain: KubeReader;
  let clientNode: KubeReader;

  beforeAll(async () => {
    api = await startRealApiserver();
    plain = await createListReader({ kubeconfig: api.kubeconfigPath });
    clientNode = (await createKubeAdapters({ kubeconfig: api.kubeconfigPath })).reader;
  }, 120_000);

  afterAll(() => api?.stop());

  it('lists exactly what client-node lists, whole objects and projected ones', async () => {
    const queries: KubeListQuery[] = [
      { apiVersion: 'v1', kind: 'Namespace' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', namespace: 'kube-system' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', fields: { metadata: { name: true } } },
    ];
    for (const q of queries) {
      const [mine, theirs] = await Promise.all([plain.list(q), clientNode.list(q)]);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine).toEqual(theirs);
    }
    expect(await plain.ready()).toBe(true);
  });

  it('fails as client-node fails: an unserved group not-found, a refused list forbidden in the server words', async () => {
    const spare = api.kubeconfigFor(api.spareTokens[0]!.token);
    const cases: Array<[KubeReader, KubeReader, KubeListQuery]> = [
      [plain, clientNode, { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' }],
      [await createListReader({ kubeconfig: spare }), (await createKubeAdapters({ kubeconfig: spare })).reader, { apiVersion: 'v1', kind: 'Node' }],
    ];
    const kinds: string[] = [];
    for (const [mine, theirs, q] of cases) {
      const [a, b] = [await settled(mine.list(q)), await settled(theirs.list(q))];
      expect(a.e).toBeInstanceOf(ApiError);
      expect({ kind: (a.e as ApiError).kind, message: (a.e as ApiError).message }).toEqual({ kind: (b.e as ApiError).kind, message: (b.e as ApiError).message });
      kinds.push((a.e as ApiError).kind);
    }
    expect(kinds).toEqual(['not-found', 'forbidden']);
  });

  it('gives the diagnosis the same findings', async () => {
    const now = Date.now();
    const mine = await diagnose({ kube: plain }, { now });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine).toEqual(await diagnose({ kube: clientNode }, { now }));
  });
});
