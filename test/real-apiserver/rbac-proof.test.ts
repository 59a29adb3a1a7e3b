// Least privilege, proven on a real kube-apiserver with RBAC: purge-dead-node runs with only
// the ClusterRole `runbook rbac` derives for it, against a seeded dead node with a local-path
// volume stuck on its protection finalizer (the incident's situation: no controller runs
// here, so finalizers are never removed for us). Take one rule away and it is refused with the
// apiserver's own "forbidden" naming the verb and resource, and rolled back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabTls } from '../../src/lab/tls.js';
import { startProxmoxServer, type ProxmoxServer } from '../../src/lab/proxmox/server.js';
import { ProxmoxState } from '../../src/lab/proxmox/state.js';
import { runCli } from '../support/cli.js';
import { startRealApiserver, type RealApiserver } from '../support/real-apiserver.js';
import { adminOf, type Admin } from '../support/real-apiserver/admin.js';

let api: RealApiserver;
let pve: ProxmoxServer;
let pveEnv: string;
let admin: Admin;
const must = (method: string, path: string, body?: unknown, contentType?: string) => admin.must(method, path, body, contentType);
const call = (method: string, path: string) => admin.call(method, path);

/** A node dead for two days, a pod on it, a local-path volume pinned to it with its claim, its k3s secret. */
async function seedDeadNode(name: string): Promise<void> {
  const longAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
  await must('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  await must('PATCH', `/api/v1/nodes/${name}/status`, { status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: longAgo, lastTransitionTime: longAgo }] } }, 'application/merge-patch+json');
  const pv = `pvc-${name}`;
  await must('POST', '/api/v1/persistentvolumes', {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pv, annotations: { 'local.path.provisioner/selected-node': name } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: `/var/lib/rancher/k3s/storage/${pv}` },
      claimRef: { namespace: 'monitoring', name: `data-${name}` },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [name] }] }] } } },
  });
  await must('POST', '/api/v1/namespaces/monitoring/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `data-${name}`, namespace: 'monitoring' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', volumeName: pv, resources: { requests: { storage: '1Gi' } } } });
  await must('POST', '/api/v1/namespaces/monitoring/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `prometheus-${name}`, namespace: 'monitoring' }, spec: { nodeName: name, containers: [{ name: 'p', image: 'prom/prometheus' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `data-${name}` } }] } });
  await must('POST', '/api/v1/namespaces/kube-system/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}.node-password.k3s`, namespace: 'kube-system' }, stringData: { hash: 'not-a-real-hash' } });
}

beforeAll(async () => {
  api = await startRealApiserver();
  admin = adminOf(api);
  await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
  // No controller-manager here: the namespace's default ServiceAccount must be made by hand.
  await must('POST', '/api/v1/namespaces/monitoring/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'monitoring' } });
  // purge-dead-node also asks Proxmox whether the node's VM still runs: a simulator with none.
  const tls = await createLabTls();
  const secret = '0b7c1e4e-9d2a-4f51-8a3c-2e6f0d9b7a11';
  pve = await startProxmoxServer({ state: ProxmoxState.fromSpec({ nodes: [{ name: 'pve', memoryMiB: 8192 }], vms: [], tokens: [{ id: 'root@pam!runbook', secret }] }), tls });
  const dir = mkdtempSync(join(tmpdir(), 'rbac-proof-'));
  writeFileSync(join(dir, 'ca.pem'), tls.caPem);
  pveEnv = join(dir, 'proxmox.env');
  writeFileSync(pveEnv, `PROXMOX_URL=${pve.url}\nPROXMOX_TOKEN_ID=root@pam!runbook\nPROXMOX_TOKEN_SECRET=${secret}\nPROXMOX_CA=${join(dir, 'ca.pem')}\n`);
}, 120_000);

afterAll(async () => {
  await pve?.close();
  await api?.stop();
});

const runAs = (token: string, node: string) =>
  runCli(['--state-dir', mkdtempSync(join(tmpdir(), 'rbac-state-')), 'run', 'purge-dead-node', '--node', node, '--yes', '--no-wait-scheduled'], { env: { KUBECONFIG: api.kubeconfigFor(token), PROXMOX_ENV_FILE: pveEnv }, timeoutMs: 60_000 });

describe('purge-dead-node with exactly the permissions `runbook rbac` derives (real kube-apiserver, RBAC)', () => {
  it('succeeds, and the node, its pod, volume, claim and secret are gone', async () => {
    const user = api.spareTokens[0]!;
    await seedDeadNode('dead-1');
    await admin.grant('purge-dead-node', user.user);
    const r = await runAs(user.token, 'dead-1');
    expect(r.stdout.slice(-600)).toMatch(/succeeded: 4 step\(s\) applied/);
    expect(r.code).toBe(0);
    expect((await call('GET', '/api/v1/nodes/dead-1')).status).toBe(404);
    expect((await call('GET', '/api/v1/persistentvolumes/pvc-dead-1')).status).toBe(404);
    expect((await call('GET', '/api/v1/namespaces/monitoring/persistentvolumeclaims/data-dead-1')).status).toBe(404);
    expect((await call('GET', '/api/v1/namespaces/monitoring/pods/prometheus-dead-1')).status).toBe(404);
    expect((await call('GET', '/api/v1/namespaces/kube-system/secrets/dead-1.node-password.k3s')).status).toBe(404);
  });

  it('without `delete persistentvolumes` it is refused with the apiserver\'s forbidden, and what it did is rolled back', async () => {
    const user = api.spareTokens[1]!;
    await seedDeadNode('dead-2');
    await admin.grant('purge-dead-node', user.user, { resource: 'persistentvolumes', verb: 'delete' });
    const r = await runAs(user.token, 'dead-2');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`forbidden: User "${user.user}" cannot delete resource "persistentvolumes"`));
    expect(r.stdout).toMatch(/Rolled back/);
    // The claim it had deleted before the refusal is back; the node was never touched.
    expect((await call('GET', '/api/v1/namespaces/monitoring/persistentvolumeclaims/data-dead-2')).status).toBe(200);
    expect((await call('GET', '/api/v1/nodes/dead-2')).status).toBe(200);
  });
});
