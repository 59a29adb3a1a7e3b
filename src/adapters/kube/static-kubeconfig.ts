// The kubeconfig read without @kubernetes/client-node, for the plain reader: loading client-node
// costs ~87 MB of resident memory before a single request (its generated models, ~870 files).
// Only the common, static case is read here: one kubeconfig file whose context names a cluster
// with an https server and a user with a bearer token and/or a client certificate, or the
// pod's service account (service-account.ts). Anything else (several files to merge, exec
// plugins, auth providers, token files, basic auth, impersonation, proxies, a missing or
// malformed entry) returns undefined, and the caller loads client-node as before: the same
// semantics and the same errors.
// Fields as client-node reads them (@kubernetes/client-node dist/config_types.js newClusters,
// newUsers; relative file paths against the kubeconfig's directory as makePathsAbsolute does).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { load } from 'js-yaml';
import { kubeconfigSource, skipTlsWarning, type KubeTarget } from './config.js';
import { serviceAccountTarget } from './service-account.js';
import type { StaticKubeTarget } from './static-target.js';

type Entry = Record<string, unknown>;

const CLUSTER_KEYS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name']);
const USER_KEYS = new Set(['token', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data']);

const isEntry = (v: unknown): v is Entry => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `field` of the entry named `name` in a kubeconfig list, when there is exactly one. */
function named(list: unknown, name: unknown, field: string): Entry | undefined {
  if (!Array.isArray(list) || typeof name !== 'string' || !name) return undefined;
  const hits = list.filter((e) => isEntry(e) && e.name === name);
  const value = hits.length === 1 ? (hits[0] as Entry)[field] : undefined;
  return isEntry(value) ? value : undefined;
}

const onlyKnown = (entry: Entry, known: Set<string>) => Object.keys(entry).every((k) => known.has(k));

/** File contents (path relative to the kubeconfig), else base64 data, else nothing; null when unreadable. */
function bytes(dir: string, file: unknown, data: unknown): Buffer | undefined | null {
  try {
    if (typeof file === 'string' && file) return readFileSync(isAbsolute(file) ? file : join(dir, file));
    if (typeof data === 'string' && data) return Buffer.from(data, 'base64');
    return undefined;
  } catch {
    return null;
  }
}

export function loadStaticKubeTarget(target: KubeTarget): StaticKubeTarget | undefined {
  let source: ReturnType<typeof kubeconfigSource>;
  let doc: unknown;
  try {
    source = kubeconfigSource(target);
    if ('inCluster' in source) return serviceAccountTarget(target);
    if (source.files.length !== 1) return undefined;
    doc = load(readFileSync(source.files[0]!, 'utf8'));
  } catch {
    return undefined; // client-node reads it again and reports the problem as it always has
  }
  if (!isEntry(doc)) return undefined;
  const context = named(doc.contexts, target.context ?? doc['current-context'], 'context');
  const cluster = named(doc.clusters, context?.cluster, 'cluster');
  const user = named(doc.users, context?.user, 'user');
  if (!cluster || !user || !onlyKnown(cluster, CLUSTER_KEYS) || !onlyKnown(user, USER_KEYS)) return undefined;
  if (typeof cluster.server !== 'string' || !cluster.server.startsWith('https://')) return undefined;
  const dir = dirname(source.files[0]!);
  const ca = bytes(dir, cluster['certificate-authority'], cluster['certificate-authority-data']);
  const cert = bytes(dir, user['client-certificate'], user['client-certificate-data']);
  const key = bytes(dir, user['client-key'], user['client-key-data']);
  if (ca === null || cert === null || key === null) return undefined;
  const skip = cluster['insecure-skip-tls-verify'] === true;
  if (skip) target.warn?.(skipTlsWarning(String(context?.cluster)));
  const servername = cluster['tls-server-name'];
  return {
    server: cluster.server.replace(/\/$/, ''),
    tls: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(typeof servername === 'string' && servername ? { servername } : {}), ...(skip ? { rejectUnauthorized: false as const } : {}) },
    ...(typeof user.token === 'string' && user.token ? { token: user.token } : {}),
  };
}
