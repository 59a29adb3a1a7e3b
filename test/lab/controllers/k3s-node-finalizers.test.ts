// k3s's Node finalizers in the lab (k3s-io/k3s pkg/node/controller.go, pkg/etcd/member_controller.go,
// rancher/wrangler pkg/generic/remove.go): every Node carries them, a deleted Node stays until
// the controllers did their part, and the etcd controller keeps it when it cannot remove the member.
import { describe, expect, it } from 'vitest';
import { ETCD_FINALIZER, ETCD_NODE_ADDRESS, ETCD_NODE_NAME, K3S_NODE_FINALIZER } from '../../../src/k3s-facts.js';
import { syncAll } from '../../../src/lab/kubelet/controllers.js';
import { EtcdMembers } from '../../../src/lab/kubelet/etcd-members.js';
import { harness, node, type Harness } from './harness.js';

const SERVERS = ['server-0', 'server-1', 'server-2'];

/** Three servers with embedded etcd (VMs 101-103) and an agent (111); `annotated: false` leaves server-0 without k3s's etcd annotations. */
function cluster(opts: { annotated?: boolean } = {}): Harness {
  const h = harness();
  h.ctx.etcd = { members: new EtcdMembers(SERVERS.map((s, i) => ({ name: `${s}-0000000${i}`, address: `10.0.0.${i}`, node: s }))), lastErrors: new Map() };
  h.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { NodeHosts: '' } });
  SERVERS.forEach((s, i) => {
    h.proxmox.add(101 + i, 2048);
    const n = node(s, 101 + i);
    n.metadata.labels = { ...n.metadata.labels, 'node-role.kubernetes.io/etcd': 'true', 'node-role.kubernetes.io/control-plane': 'true' };
    if (opts.annotated !== false || i > 0) Object.assign(n.metadata.annotations!, { [ETCD_NODE_NAME]: `${s}-0000000${i}`, [ETCD_NODE_ADDRESS]: `10.0.0.${i}` });
    n.status = { addresses: [{ type: 'InternalIP', address: `10.0.0.${i}` }] };
    h.store.create(n);
  });
  h.proxmox.add(111, 2048);
  h.store.create({ ...node('agent-0', 111), status: { addresses: [{ type: 'InternalIP', address: '10.0.0.10' }] } });
  for (const n of [...SERVERS, 'agent-0']) h.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${n}.node-password.k3s`, namespace: 'kube-system' }, data: { hash: 'eA==' } });
  syncAll(h.ctx);
  return h;
}

const nodeOf = (h: Harness, name: string) => h.store.get('v1', 'Node', name);
const hosts = (h: Harness) => (h.store.get('v1', 'ConfigMap', 'coredns', 'kube-system') as { data: { NodeHosts: string } }).data.NodeHosts;

describe('k3s node finalizers in the lab', () => {
  it('puts both wrangler finalizers on every Node (agents too: OnRemove has no condition) and keeps NodeHosts', () => {
    const h = cluster();
    for (const n of [...SERVERS, 'agent-0']) expect(nodeOf(h, n)?.metadata.finalizers).toEqual([K3S_NODE_FINALIZER, ETCD_FINALIZER]);
    expect(hosts(h)).toBe('10.0.0.0 server-0\n10.0.0.1 server-1\n10.0.0.2 server-2\n10.0.0.10 agent-0\n');
  });

  it('a deleted agent stays Terminating until the controllers ran, then its password secret and hosts line are gone with it', () => {
    const h = cluster();
    const deleted = h.store.delete('v1', 'Node', 'agent-0');
    expect(deleted?.metadata.deletionTimestamp).toBeDefined(); // the finalizers hold it
    syncAll(h.ctx);
    expect(nodeOf(h, 'agent-0')?.metadata.finalizers).toHaveLength(2); // k3s has not seen it yet: a reader right after the delete finds it Terminating
    h.clock.now = Date.now() + 2000;
    syncAll(h.ctx);
    expect(nodeOf(h, 'agent-0')).toBeUndefined();
    expect(h.store.get('v1', 'Secret', 'agent-0.node-password.k3s', 'kube-system')).toBeUndefined();
    expect(hosts(h)).not.toContain('agent-0');
    expect(h.ctx.etcd!.members.list()).toHaveLength(3); // an agent is no member
  });

  it('a deleted dead server loses its etcd member, then goes', () => {
    const h = cluster();
    h.proxmox.set(103, { status: 'stopped' });
    h.store.delete('v1', 'Node', 'server-2');
    h.clock.now = Date.now() + 2000;
    syncAll(h.ctx);
    expect(nodeOf(h, 'server-2')).toBeUndefined();
    expect(h.ctx.etcd!.members.list().map((m) => m.node)).toEqual(['server-0', 'server-1']);
  });

  it('without the etcd annotations the member controller fails as upstream does and the Node stays with its finalizer', () => {
    const h = cluster({ annotated: false });
    h.proxmox.set(101, { status: 'stopped' });
    h.store.delete('v1', 'Node', 'server-0');
    h.clock.now = Date.now() + 2000;
    syncAll(h.ctx);
    expect(nodeOf(h, 'server-0')?.metadata.finalizers).toEqual([ETCD_FINALIZER]); // the node controller did its part
    expect(h.ctx.etcd!.lastErrors.get('server-0')).toBe('node name annotation for node server-0 not found');
    expect(h.ctx.etcd!.members.list()).toHaveLength(3);
  });

  it("etcd refuses to remove a running member when the running ones left would be short of a quorum (strict reconfig check)", () => {
    const h = cluster();
    h.proxmox.set(102, { status: 'stopped' }); // server-1 down: removing running server-2 leaves 1 of 2 running
    h.store.delete('v1', 'Node', 'server-2');
    h.clock.now = Date.now() + 2000;
    syncAll(h.ctx);
    expect(nodeOf(h, 'server-2')?.metadata.finalizers).toEqual([ETCD_FINALIZER]);
    expect(h.ctx.etcd!.lastErrors.get('server-2')).toBe('etcdserver: unhealthy cluster');
    h.proxmox.set(102, { status: 'running' });
    syncAll(h.ctx);
    expect(nodeOf(h, 'server-2')).toBeUndefined();
  });

  it('a cluster without embedded etcd runs no member controller: only the node finalizer', () => {
    const h = harness();
    h.proxmox.add(111, 2048);
    h.store.create(node('agent-0', 111));
    syncAll(h.ctx);
    expect(nodeOf(h, 'agent-0')?.metadata.finalizers).toEqual([K3S_NODE_FINALIZER]);
  });
});
