import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, tokenHeader, waitTask, type Sim } from './fixture.js';

const UPID = /^UPID:(\w[\w-]*):([0-9A-F]{8}):([0-9A-F]{8}):([0-9A-F]{8}):([^:]+):(\d*):([^:]+):$/;

describe('Proxmox simulator: power actions and tasks', () => {
  let sim: Sim;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() => sim.close());

  it('returns a real-format UPID for a reboot; the task goes running -> stopped/OK', async () => {
    const client = await sim.client();
    const before = Math.floor(Date.now() / 1000);
    // Held while the test looks at it running: a 0.2 s task can end between two calls on a loaded machine.
    const release = sim.state.holdTasks();
    const upid = await client.vmAction('pve1', 101, 'reboot');
    const m = UPID.exec(upid);
    expect(m).not.toBeNull();
    expect(m![1]).toBe('pve1');
    expect(m![5]).toBe('qmreboot');
    expect(m![6]).toBe('101');
    expect(m![7]).toBe('root@pam!runbook');
    expect(parseInt(m![4]!, 16)).toBeGreaterThanOrEqual(before);

    expect(await client.getTaskStatus('pve1', upid)).toEqual({ upid, status: 'running' });
    const raw = await sim.raw('GET', `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`, { headers: tokenHeader });
    expect(raw.json().data).toMatchObject({ upid, node: 'pve1', type: 'qmreboot', id: '101', status: 'running' });
    release();
    expect(await waitTask(sim, 'pve1', upid)).toEqual({ upid, status: 'stopped', exitstatus: 'OK' });
    expect(sim.state.vm(101)!.status).toBe('stopped'); // a reboot task ends with QEMU's exit (reboot.test.ts)
  });

  it('lists running tasks only with source=active|all, finished ones in the default archive', async () => {
    const client = await sim.client();
    const release = sim.state.holdTasks();
    const upid = await client.vmAction('pve1', 101, 'reboot');
    const list = async (q: string) => (await sim.raw('GET', `/nodes/pve1/tasks?vmid=101&typefilter=qmreboot${q}`, { headers: tokenHeader })).json().data as Array<Record<string, unknown>>;
    expect(await list('')).toEqual([]);
    expect(await list('&source=all')).toEqual([expect.objectContaining({ upid, status: 'RUNNING' })]);
    release();
    await waitTask(sim, 'pve1', upid);
    expect(await list('')).toEqual([expect.objectContaining({ upid, status: 'OK', endtime: expect.any(Number) })]);
  });

  it('fails a start of a running VM inside the task, and a reboot of a stopped VM at once', async () => {
    const client = await sim.client();
    const upid = await client.vmAction('pve1', 101, 'start');
    expect(await waitTask(sim, 'pve1', upid)).toMatchObject({ status: 'stopped', exitstatus: 'VM 101 already running' });

    const r = await sim.raw('POST', '/nodes/pve2/qemu/103/status/reboot', { headers: tokenHeader });
    expect([r.status, r.statusText]).toEqual([500, 'VM 103 not running']);
    await expect(client.vmAction('pve2', 103, 'reboot')).rejects.toMatchObject({ status: 500 });
  });

  it('fails power actions of a locked VM in the task with "VM is locked (backup)"', async () => {
    const client = await sim.client();
    const upid = await client.vmAction('pve1', 104, 'shutdown');
    expect(await waitTask(sim, 'pve1', upid)).toMatchObject({ exitstatus: 'VM is locked (backup)' });
    expect(sim.state.vm(104)!.status).toBe('running');
  });

  it('stops and starts a VM, applying pending changes and emitting vm-changed', async () => {
    const client = await sim.client();
    const seen: string[] = [];
    sim.state.on('vm-changed', (vm: { vmid: number; status: string }) => vm.vmid === 101 && seen.push(vm.status));
    await client.setVmConfig('pve1', 101, { memory: 3072 });
    expect(sim.state.effectiveMemoryMiB(101)).toBe(1200);
    await waitTask(sim, 'pve1', await client.vmAction('pve1', 101, 'stop'));
    expect(sim.state.effectiveMemoryMiB(101)).toBe(0);
    expect(sim.state.vm(101)!.config.memory).toBe(3072);
    await waitTask(sim, 'pve1', await client.vmAction('pve1', 101, 'start'));
    expect(await client.getVmStatus('pve1', 101)).toMatchObject({ status: 'running', maxmem: 3072 * 1024 * 1024 });
    expect(seen).toEqual(['running', 'stopped', 'running']);
  });

  it('answers 595 for a VM on an offline node, and lists that node offline', async () => {
    // Offline for 6 minutes: its VMs' RRD data has expired (status 'unknown').
    sim.state.setNodeOnline('pve2', false, Date.now() - 6 * 60_000);
    const r = await sim.raw('GET', '/nodes/pve2/qemu/103/status/current', { headers: tokenHeader });
    expect(r.status).toBe(595);
    expect(r.text).toBe('');
    const client = await sim.client();
    await expect(client.getVmStatus('pve2', 103)).rejects.toMatchObject({ kind: 'node-unreachable', status: 595 });
    const nodes = (await sim.raw('GET', '/nodes', { headers: tokenHeader })).json().data;
    expect(nodes).toContainEqual(expect.objectContaining({ node: 'pve2', status: 'offline' }));
    expect((await client.listVms()).find((v) => v.vmid === 103)?.status).toBe('unknown');
    sim.state.setNodeOnline('pve2', true);
    expect((await client.getVmStatus('pve2', 103)).status).toBe('stopped');
  });

  it("does not reboot twice when the reboot's response is lost: the guard finds the task", async () => {
    const client = await sim.client();
    // The response is lost once the reboot finished, so the task is in the default archive list.
    const finished = () => sim.state.tasks().some((t) => t.type === 'qmreboot' && t.endtime !== undefined);
    sim.server.dropNextResponse({ method: 'POST', path: /\/qemu\/101\/status\/reboot$/, when: finished });
    const upid = await client.vmAction('pve1', 101, 'reboot');
    const reboots = sim.state.tasks().filter((t) => t.type === 'qmreboot' && t.id === '101');
    expect(reboots.map((t) => t.upid)).toEqual([upid]);
  });

  it('does not reboot twice when the response is lost while the reboot is still running', async () => {
    const client = await sim.client();
    // Lost at once: the task is still running (held there), so only `source=all` lists it.
    const release = sim.state.holdTasks();
    sim.server.dropNextResponse({ method: 'POST', path: /\/qemu\/101\/status\/reboot$/ });
    const upid = await client.vmAction('pve1', 101, 'reboot');
    const reboots = sim.state.tasks().filter((t) => t.type === 'qmreboot' && t.id === '101');
    expect(reboots.map((t) => [t.upid, t.endtime])).toEqual([[upid, undefined]]);
    release();
  });
});
