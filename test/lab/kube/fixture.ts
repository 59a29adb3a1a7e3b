// Test fixture for the lab's Kubernetes contract tests: one backend, either the lab's bare API
// server (no controllers) or a real kube-apiserver v1.20.2 (test/support/kube-targets.ts), with
// a kubeconfig file in a temp dir, a kubectl runner and a client-node KubeConfig. Everything a
// test does goes through HTTP with that kubeconfig, so the same cases run against both; where
// they disagree, the lab is wrong. Use: describe.each(KUBE_BACKENDS)('%s', (backend) => ...).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeEndpoint } from '../../support/kube-targets.js';
import type { KubeTargetName } from '../../support/kube-targets.js';

export { KUBE_BACKENDS } from '../../support/kube-targets.js';

export interface KubeFixture {
  backend: KubeTargetName;
  url: string;
  token: string;
  caPem: string;
  dir: string;
  kubeconfigPath: string;
  kc: KubeConfig;
  /** The group version serving PodDisruptionBudget and Eviction: policy/v1 (the lab, like k3s 1.32) or policy/v1beta1 (v1.20). */
  policy: string;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  /** Raw HTTPS request with the token (or none: `token: null`). `body` is `any`: tests read arbitrary JSON. */
  request(method: string, path: string, body?: unknown, opts?: { contentType?: string; token?: string | null; accept?: string }): Promise<{ status: number; body: any; text: string }>;
  stop(): Promise<void>;
}

export interface KubectlResult { code: number; stdout: string; stderr: string }

export async function startKubeFixture(backend: KubeTargetName): Promise<KubeFixture> {
  const endpoint = await startKubeEndpoint(backend);
  const dir = await mkdtemp(join(tmpdir(), 'kube-contract-'));
  const kc = new KubeConfig();
  kc.loadFromFile(endpoint.kubeconfigPath);
  const { Agent, fetch } = await import('undici');
  const dispatcher = new Agent({ connect: { ca: endpoint.caPem } });
  const request: KubeFixture['request'] = async (method, path, body, o = {}) => {
    const headers: Record<string, string> = { Accept: o.accept ?? 'application/json' };
    if (o.token !== null) headers.Authorization = `Bearer ${o.token ?? endpoint.token}`;
    if (body !== undefined) headers['Content-Type'] = o.contentType ?? 'application/json';
    const res = await fetch(`${endpoint.server}${path}`, { method, headers, dispatcher, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  };
  const policyGroup = await request('GET', '/apis/policy');
  return {
    backend, url: endpoint.server, token: endpoint.token, caPem: endpoint.caPem, dir, kubeconfigPath: endpoint.kubeconfigPath, kc,
    policy: policyGroup.body.preferredVersion.groupVersion,
    kubectl: (args, input) =>
      new Promise((resolve) => {
        const child = execFile('kubectl', ['--kubeconfig', endpoint.kubeconfigPath, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        });
        if (input !== undefined) child.stdin?.end(input);
      }),
    request,
    stop: async () => {
      await endpoint.stop();
      await dispatcher.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates `obj` through the API (POST), then writes its status through /status like a controller would (`any`: the stored JSON). */
export async function seed(f: KubeFixture, obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; status?: unknown; [k: string]: unknown }): Promise<any> {
  const { ObjectApi } = await import('../../../src/adapters/kube/object-api.js');
  const api = ObjectApi.forConfig(f.kc);
  const collection = await api.pathFor({ apiVersion: obj.apiVersion, kind: obj.kind, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) });
  const created = await f.request('POST', collection.replace(/\/$/, ''), obj);
  if (created.status !== 201) throw new Error(`seed ${obj.kind} ${obj.metadata.name}: ${created.status} ${created.text}`);
  if (obj.status === undefined) return created.body;
  const path = await api.pathFor({ apiVersion: obj.apiVersion, kind: obj.kind, name: created.body.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) });
  const updated = await f.request('PATCH', `${path}/status`, { status: obj.status }, { contentType: 'application/merge-patch+json' });
  if (updated.status !== 200) throw new Error(`seed status ${obj.kind} ${obj.metadata.name}: ${updated.status} ${updated.text}`);
  return updated.body;
}

export const readyNode = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {},
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), lastTransitionTime: '2025-01-01T00:00:00Z' }], nodeInfo: { kubeletVersion: 'v1.32.4+k3s1' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
  ...extra,
});

export const runningPod = (name: string, node: string, labels: Record<string, string> = {}, extra: { ownerReferences?: unknown[]; namespace?: string } = {}) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: extra.namespace ?? 'default', labels, ...(extra.ownerReferences ? { ownerReferences: extra.ownerReferences } : {}) },
  spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.local/app:1' }] },
  status: { phase: 'Running', podIP: '10.42.0.10', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'registry.local/app:1', imageID: '', started: true, state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }] },
});

/**
 * Plays the kubelets (no kubelet runs on either backend here): a pod marked Terminating is
 * confirmed gone with a delete of grace period 0, as its node's kubelet would. Returns stop().
 */
export function playKubelets(f: KubeFixture, namespace: string): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const pods = await f.request('GET', `/api/v1/namespaces/${namespace}/pods`);
      for (const p of (pods.body?.items ?? []) as { metadata: { name: string; deletionTimestamp?: string } }[]) {
        if (p.metadata.deletionTimestamp) await f.request('DELETE', `/api/v1/namespaces/${namespace}/pods/${p.metadata.name}?gracePeriodSeconds=0`);
      }
    })().finally(() => { busy = false; });
  }, 100);
  return () => clearInterval(timer);
}

/** Plays the disruption controller: writes a PDB's status for `healthy` of `expected` pods against its spec's `desired`. */
export async function writePdbStatus(f: KubeFixture, namespace: string, name: string, counts: { healthy: number; desired: number; expected: number }): Promise<void> {
  const path = `/apis/${f.policy}/namespaces/${namespace}/poddisruptionbudgets/${name}`;
  const pdb = await f.request('GET', path);
  const status = { observedGeneration: pdb.body.metadata.generation, currentHealthy: counts.healthy, desiredHealthy: counts.desired, expectedPods: counts.expected, disruptionsAllowed: Math.max(0, counts.healthy - counts.desired), disruptedPods: {} };
  const res = await f.request('PATCH', `${path}/status`, { status }, { contentType: 'application/merge-patch+json' });
  if (res.status !== 200) throw new Error(`PDB status ${namespace}/${name}: ${res.status} ${res.text}`);
}
