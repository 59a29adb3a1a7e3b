// k8s.assert-node-dead's VM check against the Kubernetes and Proxmox simulators: "not listed"
// in /cluster/resources is never taken as "VM gone" (a token without VM.Audit does not see the
// VM; PVE drops the name of VMs whose node stopped reporting 5 minutes ago). Gone needs a
// "does not exist" for the inventory's VM, or the user's word.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { readOnly } from '../../src/adapters/proxmox/client.js';
import { withInventory, type Inventory } from '../../src/adapters/proxmox/inventory.js';
import { ProxmoxApiClient } from '../../src/adapters/proxmox/client.js';
import { lazyAdapters, type AdapterProvider } from '../../src/engine/adapters.js';
import { HEAD, run, startKubeLab, startProxmoxLab, type KubeLab, type ProxmoxLab } from './fixture.js';

const OPS = { id: 'ops@pve!runbook', secret: '7a1e0c3b-5d2f-4e6a-9b8c-0d1e2f3a4b5c' };
let kube: KubeLab;
let pve: ProxmoxLab;

beforeAll(async () => {
  kube = await startKubeLab();
  pve = await startProxmoxLab({
    nodes: [{ name: 'pve1', memoryMiB: 16384 }, { name: 'pve2', memoryMiB: 16384 }],
    vms: [
      { vmid: 111, name: 'worker-a', node: 'pve1', memory: 2048 },
      { vmid: 112, name: 'worker-b', node: 'pve2', memory: 2048 },
      { vmid: 115, name: 'worker-e', node: 'pve2', memory: 2048, tags: 'k3s;worker-e' },
      { vmid: 114, name: 'worker-d', node: 'pve1', memory: 2048, status: 'stopped' },
    ],
  });
  pve.state.addToken({ ...OPS, privsep: true });
  const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
  for (const name of ['worker-a', 'worker-b', 'worker-c', 'worker-d', 'worker-e']) {
    kube.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', lastTransitionTime: tenMinutesAgo }] } });
  }
});
afterAll(async () => {
  await kube.stop();
  await pve.stop();
});
beforeEach(() => {
  pve.state.setAcl([]);
  pve.state.setNodeOnline('pve2', true);
});

/** The step's adapters: root's token by default, or ops@pve's; with an inventory if given. */
async function provider(opts: { inventory?: Inventory; token?: typeof OPS } = {}): Promise<AdapterProvider> {
  const client = opts.token ? await ProxmoxApiClient.connect({ url: pve.server.url, tokenId: opts.token.id, tokenSecret: opts.token.secret, caFile: pve.caFile, insecure: false }) : pve.client;
  const reader = opts.inventory ? withInventory(readOnly(client), opts.inventory) : readOnly(client);
  return lazyAdapters({ reader: { kube: async () => kube.kube.reader, proxmox: async () => reader }, writer: { kube: async () => kube.kube.writer, proxmox: async () => client } });
}

async function check(node: string, p: AdapterProvider, vmGone = false) {
  const out = await run(`${HEAD}preflight:\n  - { id: dead, uses: k8s.assert-node-dead, with: { node: ${node}, vmGone: ${vmGone} } }\nsteps:\n  - { id: noop, uses: k8s.assert-node-dead, with: { node: ${node}, checkVm: false } }\n`, p);
  const vmResult = out.preflight.results.find((r) => /VM/.test(r.message));
  return { status: out.status, vm: vmResult };
}

describe('k8s.assert-node-dead: evidence that the VM is gone', () => {
  test('a VM nobody lists is not proof: refused, naming the two reasons and the ways out', async () => {
    const r = await check('worker-c', await provider());
    expect(r.status).toBe('preflight-failed');
    expect(r.vm).toMatchObject({ ok: false, message: expect.stringMatching(/no Proxmox VM named worker-c is listed, which does not prove it is gone/), hint: expect.stringMatching(/inventory.*--vm-gone/) });
  });

  test("the user's --vm-gone is evidence", async () => {
    const r = await check('worker-c', await provider(), true);
    expect(r.vm).toMatchObject({ ok: true, message: 'no VM of worker-c is listed; gone on your word (--vm-gone)' });
    expect(r.status).toBe('succeeded');
  });

  test("the inventory's VM answering 'does not exist' is evidence, in PVE's words", async () => {
    const r = await check('worker-c', await provider({ inventory: { nodes: { 'worker-c': { vmid: 113, node: 'pve1' } } } }));
    expect(r.vm).toMatchObject({ ok: true, message: "its VM 113 does not exist any more (read config of VM 113: Configuration file 'nodes/pve1/qemu-server/113.conf' does not exist)" });
    expect(r.status).toBe('succeeded');
  });

  test('a running VM the token may not audit is not listed: its config answers 403, and the check fails with it', async () => {
    pve.state.setAcl([{ path: '/vms/999', user: 'ops@pve', privs: ['VM.Audit'] }, { path: '/vms/999', token: OPS.id, privs: ['VM.Audit'] }]);
    const bare = await check('worker-a', await provider({ token: OPS }));
    expect(bare.vm).toMatchObject({ ok: false, message: expect.stringMatching(/no Proxmox VM named worker-a is listed/) });
    const r = await check('worker-a', await provider({ token: OPS, inventory: { nodes: { 'worker-a': { vmid: 111, node: 'pve1' } } } }));
    expect(r.status).toBe('preflight-failed');
    expect(r.vm).toMatchObject({ ok: false, message: 'cannot tell whether the VM of worker-a is gone: read config of VM 111: Permission check failed (/vms/111, VM.Audit)' });
  });

  test('a VM whose PVE node has been silent for 6 minutes loses its name: neither gone nor listed by name', async () => {
    pve.state.setNodeOnline('pve2', false, Date.now() - 6 * 60_000);
    const byName = await check('worker-b', await provider());
    expect(byName.vm).toMatchObject({ ok: false, message: expect.stringMatching(/no Proxmox VM named worker-b is listed/) });
    const mapped = await check('worker-b', await provider({ inventory: { nodes: { 'worker-b': { vmid: 112, node: 'pve2' } } } }));
    expect(mapped.vm).toMatchObject({ ok: false, message: 'its VM 112 on pve2 is unknown: that PVE node has not reported for 5 minutes, the VM may still run' });
    // Tags come from the config, not the RRD data: a VM tagged with the node's name is still found.
    const tagged = await check('worker-e', await provider());
    expect(tagged.vm).toMatchObject({ ok: false, message: 'its VM 115 on pve2 is unknown: that PVE node has not reported for 5 minutes, the VM may still run' });
  });

  test('a listed stopped VM is evidence; a running one refuses', async () => {
    expect((await check('worker-d', await provider())).vm).toMatchObject({ ok: true, message: 'its VM 114 is stopped' });
    expect((await check('worker-a', await provider())).vm).toMatchObject({ ok: false, message: 'its VM 111 on pve1 is still running' });
  });
});
