import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeStore } from '../../src/lab/kube/store.js';
import { syncAll } from '../../src/lab/kubelet/controllers.js';
import { ProxmoxState } from '../../src/lab/proxmox/state.js';
import { loadScenario, parseScenario, resolveScenarioPath } from '../../src/lab/scenario.js';
import { proxmoxSpecOf, seedKubeStore } from '../../src/lab/scenario-seed.js';

function settle(name: string) {
  const scenario = loadScenario(name);
  const store = new KubeStore();
  seedKubeStore(store, scenario);
  const proxmox = ProxmoxState.fromSpec(proxmoxSpecOf(scenario));
  syncAll({ store, proxmox, now: () => Date.now(), notReadyGraceSeconds: 40, crashLoopSeconds: 10 });
  proxmox.dispose();
  return store;
}

const MINIMAL = `
name: tiny
proxmox:
  nodes: [{ name: pve, memoryMiB: 4096 }]
  vms: [{ vmid: 100, name: k3s-0, node: pve, memory: 2048 }]
  tokens: [{ id: 'root@pam!runbook', secret: 6f1d1c9e-3b1a-4f5e-9c2d-7a8b9c0d1e2f }]
kubernetes:
  nodes: [{ name: k3s-0, role: control-plane, vmid: 100 }]
`;

describe('scenarios', () => {
  it('seeds the healthy After state: 4 Ready nodes of 2048Mi, every pod Running, no OOM, Flux Ready', () => {
    const store = settle('healthy');
    const nodes = store.list('v1', 'Node');
    expect(nodes.map((n) => (n.status as { capacity: { memory: string } }).capacity.memory)).toEqual(['2048Mi', '2048Mi', '2048Mi', '2048Mi']);
    const pods = store.list('v1', 'Pod');
    expect(pods.length).toBeGreaterThan(10);
    expect(pods.filter((p) => (p.status as { phase: string }).phase !== 'Running').map((p) => p.metadata.name)).toEqual([]);
    expect(pods.flatMap((p) => (p.status as { containerStatuses: { ready: boolean; name: string }[] }).containerStatuses).filter((c) => !c.ready)).toEqual([]);
    expect(store.list('v1', 'Event').filter((e) => e.type === 'Warning')).toEqual([]);
    const flux = [...store.list('helm.toolkit.fluxcd.io/v2', 'HelmRelease'), ...store.list('kustomize.toolkit.fluxcd.io/v1', 'Kustomization')];
    expect(flux.map((o) => (o.status as { conditions: { status: string }[] }).conditions[0]?.status)).toEqual(['True', 'True', 'True', 'True']);
  });

  it('seeds the incident with the k3s node-password secrets, the stuck PV and the rejected PriorityClass absent', () => {
    const store = settle('incident-2025-08');
    expect(store.list('v1', 'Secret', { namespace: 'kube-system' }).map((s) => s.metadata.name)).toContain('k3s-replica-2.node-password.k3s');
    const stuck = store.list('v1', 'PersistentVolume').filter((pv) => pv.metadata.deletionTimestamp);
    expect(stuck.map((pv) => [pv.metadata.finalizers, pv.metadata.annotations?.['local.path.provisioner/selected-node']])).toEqual([[['kubernetes.io/pv-protection'], 'k3s-replica-2']]);
    expect(store.get('scheduling.k8s.io/v1', 'PriorityClass', 'system-infrastructure')).toBeUndefined();
    const hr = store.get('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'metallb', 'metallb-system')!;
    expect((hr.status as { conditions: { type: string; status: string; reason: string }[] }).conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual(['Ready=False/RetriesExceeded', 'Stalled=True/RetriesExceeded']);
  });

  it('loads a scenario by path, and names the file and the problem when it is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    try {
      const good = join(dir, 'tiny.yaml');
      writeFileSync(good, MINIMAL);
      expect(loadScenario(good).kubernetes.nodes[0]?.name).toBe('k3s-0');
      expect(resolveScenarioPath('healthy')).toMatch(/src[/\\]lab[/\\]scenarios[/\\]healthy\.yaml$/);
      expect(() => parseScenario(MINIMAL.replace('vmid: 100 }]\n', 'vmid: 101 }]\n'), 'x.yaml')).toThrow('scenario x.yaml: node k3s-0 needs the vmid of an existing VM (or vm: absent)');
      expect(() => parseScenario(MINIMAL.replace('6f1d1c9e', '6F1D1C9E'), 'x.yaml')).toThrow(/proxmox\.tokens\.0\.secret: a lowercase UUID/);
      expect(() => parseScenario(MINIMAL.replace('role: control-plane', 'role: master'), 'x.yaml')).toThrow(/kubernetes\.nodes\.0\.role/);
      expect(() => loadScenario('no-such-scenario')).toThrow(/scenario no-such-scenario: not found/);
      const withClaim = `${MINIMAL}  workloads:\n    - { kind: Deployment, name: db, namespace: default, claims: [data], containers: [{ name: db, image: 'db:1' }] }\n`;
      expect(() => parseScenario(withClaim, 'x.yaml')).toThrow('scenario x.yaml: Deployment db mounts claim "data" that is not declared under volumes');
      const path = join(dir, 'claim.yaml');
      writeFileSync(path, `${withClaim}  volumes:\n    - { claim: data, namespace: default, size: 1Gi, node: k3s-0 }\n`);
      const store = settle(path);
      const db = store.list('v1', 'Pod').find((p) => p.metadata.name.startsWith('db-'))!;
      expect([(db.spec as { nodeName: string }).nodeName, (db.status as { phase: string }).phase]).toEqual(['k3s-0', 'Running']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
