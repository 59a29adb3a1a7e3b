// What a token may see and do (pve-access-control ACLs, pve-manager's `user => 'all'` filters),
// what /cluster/resources shows of VMs whose node stopped reporting, task owners and logs,
// /version and the unreachable node: each through real HTTPS to the simulator.
import { afterEach, describe, expect, it } from 'vitest';
import { ProxmoxApiClient } from '../../../src/adapters/proxmox/client.js';
import type { AclEntry } from '../../../src/lab/proxmox/acl.js';
import { PASSWORD, TOKEN_ID, TOKEN_SECRET, spec, startSim, tokenHeader, waitTask, type Sim } from './fixture.js';

const OPS = { id: 'ops@pve!runbook', secret: '5e0b4c1a-2d3f-4a5b-8c6d-7e8f9a0b1c2d' };
const opsHeader = { Authorization: `PVEAPIToken=${OPS.id}=${OPS.secret}` };

/** ops@pve holds `user` on its ACL paths; its privsep token holds `token`. */
function acl(user: Array<[string, string[]]>, token: Array<[string, string[]]> = user, propagate = true): AclEntry[] {
  return [
    ...user.map(([path, privs]) => ({ path, user: 'ops@pve', privs, propagate })),
    ...token.map(([path, privs]) => ({ path, token: OPS.id, privs, propagate })),
  ];
}

let sim: Sim;
afterEach(() => sim?.close());

async function start(entries: AclEntry[]): Promise<Sim> {
  sim = await startSim(spec({ tokens: [{ id: TOKEN_ID, secret: TOKEN_SECRET }, { ...OPS, privsep: true }], acl: entries }));
  return sim;
}

const opsClient = (s: Sim) => ProxmoxApiClient.connect({ url: s.server.url, tokenId: OPS.id, tokenSecret: OPS.secret, caFile: s.caFile, insecure: false });
const vmids = (data: unknown) => (data as Array<{ type: string; vmid?: number }>).filter((r) => r.type === 'qemu').map((r) => r.vmid);

describe('Proxmox simulator: ACLs', () => {
  it('/cluster/resources silently omits VMs without VM.Audit; a direct call is 403 in PVE words', async () => {
    const s = await start(acl([['/vms/101', ['VM.Audit']]]));
    const r = await s.raw('GET', '/cluster/resources?type=vm', { headers: opsHeader });
    expect(r.status).toBe(200);
    expect(vmids(r.json().data)).toEqual([101]);
    const denied = await s.raw('GET', '/nodes/pve1/qemu/102/config', { headers: opsHeader });
    expect([denied.status, denied.statusText]).toEqual([403, 'Permission check failed (/vms/102, VM.Audit)']);
    expect(denied.json().message).toBe('Permission check failed (/vms/102, VM.Audit)\n');
    // The check comes before the VM is looked up: a VM that does not exist is 403 too.
    expect((await s.raw('GET', '/nodes/pve1/qemu/999/config', { headers: opsHeader })).statusText).toBe('Permission check failed (/vms/999, VM.Audit)');
    const list = await s.raw('GET', '/nodes/pve1/qemu', { headers: opsHeader });
    expect((list.json().data as Array<{ vmid: number }>).map((v) => v.vmid)).toEqual([101]);
    // root's token (no privilege separation) sees everything.
    expect(vmids((await s.raw('GET', '/cluster/resources?type=vm', { headers: tokenHeader })).json().data)).toEqual([101, 102, 103, 104]);
  });

  it('/access/permissions: per path, privilege -> propagate flag; a path asked for is answered even when empty; another user needs Sys.Audit on /access', async () => {
    const s = await start([
      ...acl([['/vms', ['VM.Audit', 'VM.PowerMgmt']]], [['/vms', ['VM.Audit']], ['/vms/102', ['VM.PowerMgmt']]]),
      { path: '/nodes', token: OPS.id, privs: ['Sys.Audit'], propagate: false },
      { path: '/nodes', user: 'ops@pve', privs: ['Sys.Audit'], propagate: false },
    ]);
    const all = await s.raw('GET', '/access/permissions', { headers: opsHeader });
    expect(all.status).toBe(200);
    expect(all.json().data).toEqual({ '/vms': { 'VM.Audit': 1 }, '/vms/102': { 'VM.PowerMgmt': 1 }, '/nodes': { 'Sys.Audit': 0 } });
    expect((await s.raw('GET', '/access/permissions?path=/storage', { headers: opsHeader })).json().data).toEqual({ '/storage': {} });
    const other = await s.raw('GET', `/access/permissions?userid=${encodeURIComponent('root@pam')}`, { headers: opsHeader });
    expect([other.status, other.statusText]).toEqual([403, 'Permission check failed (/access, Sys.Audit)']);
    // Through the adapter: what assert-memory-fits reads.
    expect((await (await opsClient(s)).getPermissions())['/vms']).toEqual({ 'VM.Audit': 1 });
  });

  it('a privsep token gets what both it and its user hold; propagation follows the path', async () => {
    const s = await start(acl([['/vms', ['VM.Audit', 'VM.PowerMgmt']]], [['/vms', ['VM.Audit']], ['/vms/102', ['VM.PowerMgmt']]]));
    const client = await opsClient(s);
    // /vms/102 replaces what /vms gave: PowerMgmt there, but no longer Audit, so it is not listed.
    expect((await client.listVms()).map((v) => v.vmid)).toEqual([101, 103, 104]);
    await expect(client.getVmConfig('pve1', 102)).rejects.toMatchObject({ kind: 'forbidden', status: 403, message: expect.stringContaining('Permission check failed (/vms/102, VM.Audit)') });
    await expect(client.vmAction('pve1', 101, 'reboot')).rejects.toMatchObject({ kind: 'forbidden', message: expect.stringContaining('Permission check failed (/vms/101, VM.PowerMgmt)') });
    expect(await client.vmAction('pve1', 102, 'reboot')).toMatch(/^UPID:pve1:.*:qmreboot:102:ops@pve!runbook:$/);

    const noProp = await start(acl([['/vms', ['VM.Audit']]], [['/vms', ['VM.Audit']]], false));
    expect(vmids((await noProp.raw('GET', '/cluster/resources?type=vm', { headers: opsHeader })).json().data)).toEqual([]);
  });

  it('a config change needs the privilege of each option it touches', async () => {
    const s = await start(acl([['/vms', ['VM.Audit', 'VM.Config.CPU']]]));
    const client = await opsClient(s);
    await client.setVmConfig('pve1', 101, { cores: 4 });
    await expect(client.setVmConfig('pve1', 101, { memory: 2048 })).rejects.toMatchObject({ status: 403, message: expect.stringContaining('Permission check failed (/vms/101, VM.Config.Memory)') });
    const none = await start(acl([['/vms', ['VM.Audit']]]));
    const r = await none.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: opsHeader, body: { cores: '4' } });
    expect(r.statusText).toBe('Permission check failed (/vms/101, VM.Config.Disk|VM.Config.CDROM|VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.HWType|VM.Config.Options|VM.Config.Cloudinit)');
  });

  it('node status needs Sys.Audit on /nodes/<node>; without it /nodes has no numbers', async () => {
    const s = await start(acl([['/vms', ['VM.Audit']]]));
    const r = await s.raw('GET', '/nodes/pve1/status', { headers: opsHeader });
    expect([r.status, r.statusText]).toEqual([403, 'Permission check failed (/nodes/pve1, Sys.Audit)']);
    const nodes = (await s.raw('GET', '/nodes', { headers: opsHeader })).json().data as Array<Record<string, unknown>>;
    expect(nodes.find((n) => n.node === 'pve1')).toEqual({ id: 'node/pve1', node: 'pve1', type: 'node', status: 'online', level: '', ssl_fingerprint: '' });
  });
});

describe('Proxmox simulator: login capabilities', () => {
  it("a ticket's cap lists what the user holds per top-level path, root everything", async () => {
    sim = await startSim(spec({ users: [{ userid: 'root@pam', password: PASSWORD }, { userid: 'ops@pve', password: PASSWORD }], acl: [{ path: '/vms/101', user: 'ops@pve', privs: ['VM.Audit', 'VM.PowerMgmt'] }, { path: '/nodes', user: 'ops@pve', privs: ['Sys.Audit'] }] }));
    const login = async (username: string) => (await sim.raw('POST', '/access/ticket', { body: { username, password: PASSWORD } })).json().data as { cap: Record<string, Record<string, number>> };
    const ops = (await login('ops@pve')).cap;
    expect(ops.vms).toEqual({ 'VM.Audit': 1, 'VM.PowerMgmt': 1 });
    expect(ops.nodes).toEqual({ 'Sys.Audit': 1 });
    expect(ops.dc).toEqual({});
    expect((await login('root@pam')).cap.vms).toHaveProperty('VM.Config.Memory', 1);
  });
});

describe('Proxmox simulator: tasks of users and tokens', () => {
  it('lists and reads a token task with user and tokenid apart; another user\'s task needs Sys.Audit', async () => {
    const s = await start(acl([['/vms', ['VM.Audit', 'VM.PowerMgmt']]]));
    const mine = await (await opsClient(s)).vmAction('pve1', 101, 'reboot');
    const roots = await (await s.client()).vmAction('pve1', 102, 'reboot');
    const status = (await s.raw('GET', `/nodes/pve1/tasks/${encodeURIComponent(mine)}/status`, { headers: opsHeader })).json().data;
    expect(status).toMatchObject({ upid: mine, user: 'ops@pve', tokenid: 'runbook', type: 'qmreboot' });
    const list = (await s.raw('GET', '/nodes/pve1/tasks?source=all', { headers: opsHeader })).json().data as Array<Record<string, unknown>>;
    expect(list.map((t) => t.upid)).toEqual([mine]);
    expect(list[0]).toMatchObject({ user: 'ops@pve', tokenid: 'runbook' });
    const other = await s.raw('GET', `/nodes/pve1/tasks/${encodeURIComponent(roots)}/status`, { headers: opsHeader });
    expect([other.status, other.statusText]).toEqual([403, 'Permission check failed (/nodes/pve1, Sys.Audit)']);
    const rootStatus = (await s.raw('GET', `/nodes/pve1/tasks/${encodeURIComponent(roots)}/status`, { headers: tokenHeader })).json().data;
    expect(rootStatus).toMatchObject({ user: 'root@pam', tokenid: 'runbook' });
    expect((await s.raw('GET', '/nodes/pve1/tasks?source=all', { headers: tokenHeader })).json().data).toHaveLength(2);
  });

  it('serves the task log as [{n, t}] with start/limit and total; an empty log is "no content"', async () => {
    sim = await startSim();
    const client = await sim.client();
    const upid = await client.vmAction('pve1', 101, 'reboot');
    const log = (q = '') => sim.raw('GET', `/nodes/pve1/tasks/${encodeURIComponent(upid)}/log${q}`, { headers: tokenHeader });
    expect((await log()).json()).toEqual({ data: [{ n: 1, t: 'no content' }], total: 1 });
    await waitTask(sim, 'pve1', upid);
    expect((await log()).json()).toEqual({ data: [{ n: 1, t: 'TASK OK' }], total: 1 });
    expect((await log('?start=1&limit=5')).json().data).toEqual([]);

    sim.state.failNextTask({ type: 'qmstart', vmid: 103, exitstatus: 'start failed: QEMU exited with code 1' });
    const failed = await client.vmAction('pve2', 103, 'start');
    await waitTask(sim, 'pve2', failed);
    const r = await sim.raw('GET', `/nodes/pve2/tasks/${encodeURIComponent(failed)}/log?limit=0`, { headers: tokenHeader });
    expect(r.json().data).toEqual([{ n: 1, t: 'TASK ERROR: start failed: QEMU exited with code 1' }]);
  });
});

describe('Proxmox simulator: stale RRD data, version, unreachable node', () => {
  it('keeps the last report of an offline node\'s VMs for 5 minutes, then only id, node, tags', async () => {
    sim = await startSim(spec({ vms: [{ vmid: 103, name: 'k3s-server-1', node: 'pve2', memory: 2048, tags: 'k3s;server' }] }));
    const client = await sim.client();
    sim.state.setNodeOnline('pve2', false, Date.now() - 60_000);
    expect(await client.listVms()).toEqual([{ node: 'pve2', vmid: 103, name: 'k3s-server-1', status: 'running', tags: ['k3s', 'server'] }]);
    sim.state.setNodeOnline('pve2', true);
    sim.state.setNodeOnline('pve2', false, Date.now() - 6 * 60_000);
    const entry = ((await sim.raw('GET', '/cluster/resources?type=vm', { headers: tokenHeader })).json().data as unknown[])[0];
    expect(entry).toEqual({ id: 'qemu/103', type: 'qemu', vmid: 103, node: 'pve2', status: 'unknown', tags: 'k3s;server' });
    expect(await client.listVms()).toEqual([{ node: 'pve2', vmid: 103, name: '', status: 'unknown', tags: ['k3s', 'server'] }]);
  });

  it('reports the 8.x line by default, another release when the spec says so', async () => {
    sim = await startSim();
    expect((await sim.raw('GET', '/version', { headers: tokenHeader })).json().data).toEqual({ version: expect.stringMatching(/^8\.4\.\d+$/), release: '8.4', repoid: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const status = (await sim.raw('GET', '/nodes/pve1/status', { headers: tokenHeader })).json().data as { pveversion: string };
    expect(status.pveversion).toMatch(/^pve-manager\/8\.4\.\d+\//);
    await sim.close();
    sim = await startSim(spec({ pveVersion: '9.0.10' }));
    expect((await sim.raw('GET', '/version', { headers: tokenHeader })).json().data).toMatchObject({ version: '9.0.10', release: '9.0' });
  });

  it('answers 595 "No route to host" for a call proxied to an offline node; the client calls it node-unreachable', async () => {
    sim = await startSim();
    sim.state.setNodeOnline('pve2', false);
    const r = await sim.raw('GET', '/nodes/pve2/qemu/103/status/current', { headers: tokenHeader });
    expect([r.status, r.statusText, r.text]).toEqual([595, 'No route to host', '']);
    await expect((await sim.client()).getVmConfig('pve2', 103)).rejects.toMatchObject({ kind: 'node-unreachable', status: 595 });
  });
});
