// proxmox.reboot-vm and k8s.wait-node-ready against the simulators as PVE reboots: the reboot
// task is a shutdown, qmeventd starts the VM in its own (root@pam) task which may fail, a slow
// guest fails the shutdown, and the Node keeps its stale Ready status until a new boot posts.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ProxmoxApiClient } from '../../src/adapters/proxmox/client.js';
import type { AdapterProvider } from '../../src/engine/adapters.js';
import { HEAD, PVE_TOKEN_ID, adapters, outputsOf, run, startKubeLab, startProxmoxLab } from './fixture.js';
import type { KubeLab, ProxmoxLab } from './fixture.js';

let kube: KubeLab;
let pve: ProxmoxLab;
let provider: AdapterProvider;

const READY = { type: 'Ready', status: 'True', reason: 'KubeletReady' };
const FAILED_START = 'start failed: QEMU exited with code 1';

beforeAll(async () => {
  kube = await startKubeLab();
  provider = undefined as never;
});
afterAll(async () => {
  await kube.stop();
});
afterEach(async () => {
  await pve.stop();
  kube.store.delete('v1', 'Node', 'k3s-server-0');
});

async function setup(): Promise<void> {
  pve = await startProxmoxLab({
    nodes: [{ name: 'pve1', memoryMiB: 16384, cpus: 8 }],
    vms: [{ vmid: 101, name: 'k3s-server-0', node: 'pve1', memory: 4096, balloon: 1200, cores: 2 }],
    rebootSeconds: 0.2,
  });
  provider = adapters({ kube, proxmox: pve });
  kube.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'k3s-server-0' }, status: { conditions: [READY], capacity: { memory: '1200Mi' }, nodeInfo: { bootID: 'boot-1' } } });
}

const tasks = (type: string, user?: string) => pve.state.tasks().filter((t) => t.type === type && t.id === '101' && (user === undefined || t.user === user));
const reboot = (extra = '') => `${HEAD}steps:
  - { id: reboot, uses: proxmox.reboot-vm, with: { node: k3s-server-0, timeout: 30s${extra} } }
`;

describe('proxmox.reboot-vm', () => {
  test('reboots once; Proxmox starts the VM again; outputs the bootID from before', async () => {
    await setup();
    await pve.client.setVmConfig('pve1', 101, { memory: 2048, balloon: 0 });
    const out = await run(reboot(), provider);
    expect(out.status, out.message).toBe('succeeded');
    expect(outputsOf(out, 'reboot')).toEqual({ upid: tasks('qmreboot')[0]!.upid, bootID: 'boot-1' });
    expect(pve.state.vm(101)).toMatchObject({ status: 'running', config: { memory: 2048, balloon: 0 }, pending: {} });
    expect(tasks('qmreboot')).toHaveLength(1);
    expect(tasks('qmstart').map((t) => t.user)).toEqual(['root@pam']); // qmeventd's, not ours
  });

  test("starts the VM itself when Proxmox's start after the reboot failed", async () => {
    await setup();
    pve.state.failNextTask({ type: 'qmstart', vmid: 101, exitstatus: FAILED_START });
    const out = await run(reboot(', startGrace: 500ms'), provider);
    expect(out.status, out.message).toBe('succeeded');
    expect(pve.state.vm(101)!.status).toBe('running');
    expect(tasks('qmstart').map((t) => [t.user, t.exitstatus])).toEqual([['root@pam', FAILED_START], [PVE_TOKEN_ID, 'OK']]);
  });

  test('a VM that cannot be started again is reported, and the rollback starts it once it can', async () => {
    await setup();
    pve.state.failNextTask({ type: 'qmstart', vmid: 101, exitstatus: FAILED_START });
    pve.state.failNextTask({ type: 'qmstart', vmid: 101, exitstatus: FAILED_START });
    const out = await run(`${HEAD}steps:
  - { id: reboot, uses: proxmox.reboot-vm, with: { node: k3s-server-0, timeout: 30s, startGrace: 500ms }, retry: { attempts: 3, backoff: 10ms } }
`, provider);
    expect(out.status).toBe('rolled-back');
    expect(out.message).toContain(`VM 101 is stopped after its reboot (Proxmox did not start it again within 0.5s), and starting it failed: ${FAILED_START}`);
    // Checkpointed before the reboot: never retried (one reboot), rolled back by starting the VM.
    expect(tasks('qmreboot')).toHaveLength(1);
    expect(out.rollback?.rolledBack).toContain('reboot');
    expect(pve.state.vm(101)!.status).toBe('running');
  });

  test("with a token that may not read root@pam's tasks (no Sys.Audit), a failed start after the reboot is still handled", async () => {
    await setup();
    const token = { id: 'runbook@pve!runbook', secret: '3c9d2e1f-8a7b-4c6d-9e0f-1a2b3c4d5e6f' };
    pve.state.addToken({ ...token, privsep: true });
    const privs = ['VM.Audit', 'VM.PowerMgmt'];
    pve.state.setAcl([{ path: '/vms', user: 'runbook@pve', privs }, { path: '/vms', token: token.id, privs }]);
    const client = await ProxmoxApiClient.connect({ url: pve.server.url, tokenId: token.id, tokenSecret: token.secret, caFile: pve.caFile, insecure: false });
    pve.state.failNextTask({ type: 'qmstart', vmid: 101, exitstatus: FAILED_START });
    const out = await run(reboot(', startGrace: 500ms'), adapters({ kube, proxmox: { ...pve, client } }));
    expect(out.status, out.message).toBe('succeeded');
    expect(pve.state.vm(101)!.status).toBe('running');
    // Proxmox's own start is a task this token cannot read: the step never depended on it.
    const [theirs] = tasks('qmstart', 'root@pam');
    await expect(client.getTaskStatus('pve1', theirs!.upid)).rejects.toThrow(/Permission check failed \(\/nodes\/pve1, Sys\.Audit\)/);
  });

  test('a guest slower than shutdownTimeout fails the reboot: the VM still runs, nothing applied, no second reboot', async () => {
    await setup();
    pve.state.vm(101)!.shutdownSeconds = 3;
    await pve.client.setVmConfig('pve1', 101, { memory: 2048 });
    const out = await run(reboot(', shutdownTimeout: 1s'), provider);
    expect(out.status).toBe('rolled-back');
    expect(out.message).toMatch(/VM quit\/powerdown failed - got timeout: VM 101 still runs and its pending changes are not applied/);
    expect(pve.state.vm(101)).toMatchObject({ status: 'running', pending: { memory: 2048 } });
    expect(tasks('qmreboot')).toHaveLength(1);
    expect(tasks('qmstart')).toEqual([]);
  });
});

describe('k8s.wait-node-ready after a reboot', () => {
  const wait = (rebootedFrom: string) => `${HEAD}steps:
  - { id: ready, uses: k8s.wait-node-ready, with: { node: k3s-server-0, timeout: 500ms, minMemoryMiB: 1024, rebootedFrom: ${rebootedFrom} } }
`;

  test('does not take the stale Ready status of the old boot; a new bootID ends the wait', async () => {
    await setup();
    const stale = await run(wait('boot-1'), provider);
    expect(stale.status).toBe('failed');
    kube.store.mutate('v1', 'Node', 'k3s-server-0', undefined, (n) => {
      (n.status as { nodeInfo: { bootID: string } }).nodeInfo.bootID = 'boot-2';
    });
    const back = await run(wait('boot-1'), provider);
    expect(back.status, back.message).toBe('succeeded');
  });

  test('without a reboot (rebootedFrom null) Ready is enough', async () => {
    await setup();
    const out = await run(wait('null'), provider);
    expect(out.status, out.message).toBe('succeeded');
  });
});
