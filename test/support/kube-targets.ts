// The two Kubernetes backends a contract test can run the same cases against: the lab's own
// API server (src/lab/kube) and a real kube-apiserver v1.20.2 (test/support/real-apiserver.ts).
// Everything goes through HTTPS with a bearer token, so a case cannot tell which one it talks
// to except by what the server answers. Use from a file's beforeAll:
//   describe.each(kubeTargets())('$name', (target) => { beforeAll(async () => { k = await target.start(); }); ... })
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKubeconfig } from '../../src/lab/kube/kubeconfig.js';
import { startKubeServer } from '../../src/lab/kube/server.js';
import { KubeStore } from '../../src/lab/kube/store.js';
import { createLabTls } from '../../src/lab/tls.js';
import { startRealApiserver } from './real-apiserver.js';
import { bootstrapLikeLab } from './real-apiserver/bootstrap.js';
import { apiRequest } from './real-apiserver/http.js';
import type { ApiResponse } from './real-apiserver/http.js';

export type KubeTargetName = 'lab' | 'real-apiserver';

/** What seed() accepts: any API object; `status`, when given, is written through /status afterwards. */
export interface SeedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  status?: unknown;
  [k: string]: unknown;
}

/** The parts of a stored object the helpers read; tests cast `body` further as they need. */
export interface StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid: string; resourceVersion: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface RequestOptions {
  /** Defaults to application/json; patches need e.g. application/merge-patch+json. */
  contentType?: string;
  /** Another bearer token than the admin's. */
  token?: string;
}

export interface KubeTargetSession {
  name: KubeTargetName;
  kubeconfigPath: string;
  server: string;
  /** A token with every right (lab: its only token; real: a system:masters user). */
  token: string;
  caPem: string;
  request(method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<ApiResponse>;
  /** REST path of a collection (no name) or object, from the server's own discovery documents. */
  pathFor(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string>;
  /** POST as admin, then merge-patches /status when `obj.status` is given (playing the controller or kubelet). */
  seed(obj: SeedObject): Promise<StoredObject>;
  stop(): Promise<void>;
}

export interface KubeTarget {
  name: KubeTargetName;
  start(): Promise<KubeTargetSession>;
}

/** A started backend: where it listens, whom it trusts, an all-powerful token, a kubeconfig. */
export interface KubeEndpoint {
  name: KubeTargetName;
  server: string;
  caPem: string;
  token: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

function session(e: KubeEndpoint): KubeTargetSession {
  const request = (method: string, path: string, body?: unknown, opts: RequestOptions = {}) =>
    apiRequest(e.server, e.caPem, path, {
      method,
      token: opts.token ?? e.token,
      ...(body === undefined ? {} : { body }),
      ...(opts.contentType ? { contentType: opts.contentType } : {}),
    });
  const discovery = new Map<string, DiscoveredResource[]>();

  const pathFor = async (apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> => {
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let resources = discovery.get(apiVersion);
    if (!resources) {
      const res = await request('GET', base);
      if (res.status !== 200) throw new Error(`${e.name}: discovery of ${apiVersion} answered ${res.status} ${res.text}`);
      resources = (res.body as { resources: DiscoveredResource[] }).resources;
      discovery.set(apiVersion, resources);
    }
    const r = resources.find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r) throw new Error(`${e.name}: ${apiVersion} serves no kind ${kind}`);
    const ns = r.namespaced ? `/namespaces/${namespace ?? 'default'}` : '';
    return `${base}${ns}/${r.name}${name === undefined ? '' : `/${name}`}`;
  };

  const seed = async (obj: SeedObject): Promise<StoredObject> => {
    const { status, ...rest } = obj;
    const created = await request('POST', await pathFor(obj.apiVersion, obj.kind, obj.metadata.namespace), rest);
    if (created.status !== 201) throw new Error(`${e.name}: seed ${obj.kind} ${obj.metadata.name}: ${created.status} ${created.text}`);
    const stored = created.body as StoredObject;
    if (status === undefined) return stored;
    const path = await pathFor(obj.apiVersion, obj.kind, obj.metadata.namespace, stored.metadata.name);
    // A merge patch, not a PUT: a controller (the lab's PDB status) may have written since the create.
    const updated = await request('PATCH', `${path}/status`, { status }, { contentType: 'application/merge-patch+json' });
    if (updated.status !== 200) throw new Error(`${e.name}: seed status ${obj.kind} ${obj.metadata.name}: ${updated.status} ${updated.text}`);
    return updated.body as StoredObject;
  };

  return { name: e.name, kubeconfigPath: e.kubeconfigPath, server: e.server, token: e.token, caPem: e.caPem, request, pathFor, seed, stop: e.stop };
}

async function startLabEndpoint(): Promise<KubeEndpoint> {
  const tls = await createLabTls();
  const store = new KubeStore();
  store.seedDefaults();
  const token = `lab-${Math.random().toString(36).slice(2)}`;
  const server = await startKubeServer({ store, tls, token });
  const dir = await mkdtemp(join(tmpdir(), 'runbook-kube-target-lab-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, renderKubeconfig({ server: server.url, caPem: tls.caPem, token }), { mode: 0o600 });
  return {
    name: 'lab',
    server: server.url,
    caPem: tls.caPem,
    token,
    kubeconfigPath,
    stop: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startRealEndpoint(): Promise<KubeEndpoint> {
  const api = await startRealApiserver();
  try {
    await bootstrapLikeLab(api);
  } catch (err) {
    await api.stop();
    throw err;
  }
  return { name: 'real-apiserver', server: api.url, caPem: api.caPem, token: api.adminToken, kubeconfigPath: api.kubeconfigPath, stop: () => api.stop() };
}

/** Starts one backend: the lab's bare API server (no controllers) or a real kube-apiserver, both seeded alike. */
export function startKubeEndpoint(name: KubeTargetName): Promise<KubeEndpoint> {
  return name === 'lab' ? startLabEndpoint() : startRealEndpoint();
}

/** The backend names, for `describe.each(KUBE_BACKENDS)`. */
export const KUBE_BACKENDS: readonly KubeTargetName[] = ['lab', 'real-apiserver'];

export function kubeTargets(): KubeTarget[] {
  return [
    { name: 'lab', start: async () => session(await startLabEndpoint()) },
    { name: 'real-apiserver', start: async () => session(await startRealEndpoint()) },
  ];
}
