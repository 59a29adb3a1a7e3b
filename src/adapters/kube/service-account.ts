// The pod's own service account for the plain reader (doctor run as a CronJob), read as
// client-node's loadFromCluster reads it (@kubernetes/client-node dist/config.js): the API
// server from KUBERNETES_SERVICE_HOST/PORT, the CA and the token from the mounted secret. The
// token file is read again for every request: a projected token is rotated while the pod runs.
// A plain-HTTP port (80, 8080, 8001, which client-node speaks http to) or --context is left to
// client-node.
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import type { KubeTarget } from './config.js';
import type { StaticKubeTarget } from './static-target.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const PLAIN_HTTP_PORTS = new Set(['80', '8080', '8001']);

export function serviceAccountTarget(target: KubeTarget): StaticKubeTarget | undefined {
  const env = target.env ?? {};
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const dir = target.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const tokenFile = join(dir, 'token');
  if (!host || !port || PLAIN_HTTP_PORTS.has(port) || target.context || !existsSync(tokenFile)) return undefined;
  try {
    return { server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`, tls: { ca: readFileSync(join(dir, 'ca.crt')) }, tokenFile };
  } catch {
    return undefined; // no CA to verify with: client-node reports it as it always has
  }
}
