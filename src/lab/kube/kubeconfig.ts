// A kubeconfig for the lab API server: the CA inline (certificate-authority-data), an optional
// bearer token, one cluster/user/context named `name`.
import { stringify } from 'yaml';

export function renderKubeconfig(opts: { server: string; caPem: string; token?: string; name?: string }): string {
  const name = opts.name ?? 'runbook-lab';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: opts.server, 'certificate-authority-data': Buffer.from(opts.caPem).toString('base64') } }],
    users: [{ name, user: opts.token ? { token: opts.token } : {} }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}
