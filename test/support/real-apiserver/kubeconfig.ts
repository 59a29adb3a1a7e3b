// A kubeconfig for one bearer token. Written as JSON, which every kubeconfig reader accepts
// (YAML is a superset of JSON), so no YAML dependency is needed here.
import { writeFileSync } from 'node:fs';

export function kubeconfigText(server: string, caPem: string, user: string, token: string): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'real-apiserver', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'real-apiserver', user, namespace: 'default' } }],
    'current-context': user,
    preferences: {},
  };
  return JSON.stringify(config, null, 2) + '\n';
}

export function writeKubeconfig(path: string, server: string, caPem: string, user: string, token: string): string {
  writeFileSync(path, kubeconfigText(server, caPem, user, token), { mode: 0o600 });
  return path;
}
