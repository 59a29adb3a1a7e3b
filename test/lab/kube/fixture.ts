// Test fixture: a lab API server on 127.0.0.1 with a fresh CA and token, a kubeconfig file in a
// temp dir, a kubectl runner and a client-node KubeConfig. Everything a test does goes through
// HTTP with that kubeconfig, so the same tests can target a real kube-apiserver.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { renderKubeconfig } from '../../../src/lab/kube/kubeconfig.js';
import { startKubeServer } from '../../../src/lab/kube/server.js';
import type { KubeServer } from '../../../src/lab/kube/server.js';
import { KubeStore } from '../../../src/lab/kube/store.js';
import { createLabTls } from '../../../src/lab/tls.js';

export interface KubeFixture {
  store: KubeStore;
  server: KubeServer;
  url: string;
  token: string;
  caPem: string;
  dir: string;
  kubeconfigPath: string;
  kc: KubeConfig;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  /** Raw HTTPS request with the token (or none: `token: null`). `body` is `any`: tests read arbitrary JSON. */
  request(method: string, path: string, body?: unknown, opts?: { contentType?: string; token?: string | null; accept?: string }): Promise<{ status: number; body: any; text: string }>;
  stop(): Promise<void>;
}

export interface KubectlResult { code: number; stdout: string; stderr: string }

export async function startKubeFixture(opts: { seedDefaults?: boolean } = {}): Promise<KubeFixture> {
  const tls = await createLabTls();
  const store = new KubeStore();
  if (opts.seedDefaults !== false) store.seedDefaults();
  const token = `lab-${Math.random().toString(36).slice(2)}`;
  const server = await startKubeServer({ store, tls, token });
  const dir = await mkdtemp(join(tmpdir(), 'kube-lab-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, renderKubeconfig({ server: server.url, caPem: tls.caPem, token }));
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const { Agent, fetch } = await import('undici');
  const dispatcher = new Agent({ connect: { ca: tls.caPem } });
  return {
    store, server, url: server.url, token, caPem: tls.caPem, dir, kubeconfigPath, kc,
    kubectl: (args, input) =>
      new Promise((resolve) => {
        const child = execFile('kubectl', ['--kubeconfig', kubeconfigPath, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        });
        if (input !== undefined) child.stdin?.end(input);
      }),
    request: async (method, path, body, o = {}) => {
      const headers: Record<string, string> = { Accept: o.accept ?? 'application/json' };
      if (o.token !== null) headers.Authorization = `Bearer ${o.token ?? token}`;
      if (body !== undefined) headers['Content-Type'] = o.contentType ?? 'application/json';
      const res = await fetch(`${server.url}${path}`, { method, headers, dispatcher, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text };
    },
    stop: async () => {
      await server.close();
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
  const updated = await f.request('PUT', `${path}/status`, { ...created.body, apiVersion: obj.apiVersion, kind: obj.kind, status: obj.status });
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
