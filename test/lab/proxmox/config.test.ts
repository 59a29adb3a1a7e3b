import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartUpid, startSim, tokenHeader, waitTask, type Sim } from './fixture.js';

const MiB = 1024 * 1024;

describe('Proxmox simulator: VM config', () => {
  let sim: Sim;
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() => sim.close());

  it('lists cluster resources of type vm with the fields PVE reports', async () => {
    const r = await sim.raw('GET', '/cluster/resources?type=vm', { headers: tokenHeader });
    const data = r.json().data as Array<Record<string, unknown>>;
    expect(data).toHaveLength(4);
    expect(data.find((e) => e.vmid === 101)).toMatchObject({
      id: 'qemu/101', type: 'qemu', vmid: 101, name: 'k3s-server-0', node: 'pve1', status: 'running',
      maxmem: 4096 * MiB, mem: 1200 * MiB, template: 0, uptime: expect.any(Number),
    });
    expect(data.find((e) => e.vmid === 103)).toMatchObject({ status: 'stopped', mem: 0, uptime: 0 });
    const nodes = await sim.raw('GET', '/nodes', { headers: tokenHeader });
    expect(nodes.json().data).toEqual(expect.arrayContaining([expect.objectContaining({ node: 'pve1', status: 'online', maxmem: 16384 * MiB })]));
  });

  it('reads the config with a SHA-1 digest; memory comes back as a property string', async () => {
    const client = await sim.client();
    const cfg = await client.getVmConfig('pve1', 101);
    expect(cfg.digest).toMatch(/^[0-9a-f]{40}$/);
    expect(cfg.values).toMatchObject({ memory: '4096', balloon: 1200, cores: 2, name: 'k3s-server-0' });
    const status = await client.getNodeStatus('pve1');
    expect(status.memoryTotal).toBe(16384 * MiB);
    expect(status.memoryUsed).toBe((1200 + 516 + 2048) * MiB); // running VMs' effective memory
  });

  it('refuses a stale digest with the error text of Qemu.pm', async () => {
    const client = await sim.client();
    const { digest } = await client.getVmConfig('pve1', 101);
    await client.setVmConfig('pve1', 101, { description: 'changed by someone else' });
    await expect(client.setVmConfig('pve1', 101, { cores: 4 }, digest)).rejects.toMatchObject({ kind: 'conflict', status: 500 });
    const r = await sim.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: tokenHeader, body: { cores: '4', digest } });
    expect([r.status, r.statusText]).toEqual([500, 'checksum mismatch (file change by other user?)']);
    expect(r.json()).toEqual({ data: null, message: 'checksum mismatch (file change by other user?)\n' });
    expect(sim.state.vm(101)!.config.cores).toBe(2);
  });

  it('refuses balloon above memory (a plain die in Qemu.pm, so 500) and leaves the config alone', async () => {
    const r = await sim.raw('PUT', '/nodes/pve2/qemu/103/config', { headers: tokenHeader, body: { memory: '2048', balloon: '4096' } });
    expect([r.status, r.statusText]).toEqual([500, 'balloon value too large (must be smaller than assigned memory)']);
    const client = await sim.client();
    await expect(client.setVmConfig('pve2', 103, { balloon: 3000 })).rejects.toMatchObject({ status: 500, message: expect.stringContaining('balloon value too large') });
    expect(sim.state.vm(103)!.config.balloon).toBeUndefined();
  });

  it('answers 400 with per-field errors for schema violations and unknown parameters', async () => {
    const r = await sim.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: tokenHeader, body: { balloon: '-1', memory: 'lots', bogus: '1' } });
    expect([r.status, r.statusText]).toEqual([400, 'Parameter verification failed.']);
    expect(r.json()).toEqual({
      data: null,
      message: 'Parameter verification failed.\n',
      errors: {
        balloon: 'value must have a minimum value of 0',
        memory: "invalid format - current: type check ('integer') failed - got 'lots'\n",
        bogus: 'property is not defined in schema and the schema does not allow additional properties',
      },
    });
    const client = await sim.client();
    await expect(client.setVmConfig('pve1', 101, { memroy: 2048 })).rejects.toMatchObject({ kind: 'invalid', status: 400, message: expect.stringContaining('memroy: property is not defined') });
  });

  it('refuses to change a locked VM with "VM is locked (backup)"', async () => {
    const r = await sim.raw('PUT', '/nodes/pve1/qemu/104/config', { headers: tokenHeader, body: { memory: '1024' } });
    expect([r.status, r.statusText]).toEqual([500, 'VM is locked (backup)']);
    expect(sim.state.vm(104)!.config.memory).toBe(2048);
  });

  it('answers like PVE for a VM asked on the wrong node and for unknown methods', async () => {
    const r = await sim.raw('GET', '/nodes/pve2/qemu/101/config', { headers: tokenHeader });
    expect([r.status, r.statusText]).toEqual([500, "Configuration file 'nodes/pve2/qemu-server/101.conf' does not exist"]);
    const client = await sim.client();
    await expect(client.getVmConfig('pve2', 101)).rejects.toMatchObject({ kind: 'not-found' });
    const none = await sim.raw('GET', '/nodes/pve1/lxc', { headers: tokenHeader });
    expect([none.status, none.statusText]).toEqual([501, "Method 'GET /nodes/pve1/lxc' not implemented"]);
    const empty = await sim.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: tokenHeader, body: {} });
    expect([empty.status, empty.statusText]).toEqual([500, 'no options specified']);
  });

  it('applies memory at once on a stopped VM', async () => {
    const client = await sim.client();
    await client.setVmConfig('pve2', 103, { memory: 3072 });
    expect(await client.getVmPending('pve2', 103)).not.toContainEqual(expect.objectContaining({ pending: expect.anything() }));
    expect((await client.getVmConfig('pve2', 103)).values.memory).toBe('3072');
  });

  it('keeps memory/balloon changes of a running VM pending until a reboot through the API', async () => {
    const client = await sim.client();
    const changes: number[] = [];
    sim.state.on('vm-changed', (vm: { vmid: number }) => changes.push(vm.vmid));
    const { digest } = await client.getVmConfig('pve1', 102);
    await client.setVmConfig('pve1', 102, { memory: 2048, balloon: 0 }, digest);

    const pending = await client.getVmPending('pve1', 102);
    expect(pending).toContainEqual({ key: 'memory', value: '4096', pending: '2048' });
    expect(pending).toContainEqual({ key: 'balloon', value: 516, pending: 0 });
    expect((await client.getVmConfig('pve1', 102)).values).toMatchObject({ memory: '4096', balloon: 516 });
    const all = await sim.raw('GET', '/nodes/pve1/qemu/102/config', { headers: tokenHeader });
    expect(all.json().data).toMatchObject({ memory: '2048', balloon: 0 });
    expect(sim.state.effectiveMemoryMiB(102)).toBe(516);
    expect(await client.getVmStatus('pve1', 102)).toMatchObject({ status: 'running', maxmem: 4096 * MiB, balloon: 516 * MiB });

    const upid = await client.vmAction('pve1', 102, 'reboot');
    expect(await waitTask(sim, 'pve1', upid)).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    expect(await waitTask(sim, 'pve1', restartUpid(sim, 102))).toMatchObject({ exitstatus: 'OK' });

    expect(await client.getVmPending('pve1', 102)).not.toContainEqual(expect.objectContaining({ pending: expect.anything() }));
    expect((await client.getVmConfig('pve1', 102)).values).toMatchObject({ memory: '2048', balloon: 0 });
    expect(sim.state.effectiveMemoryMiB(102)).toBe(2048);
    const status = await client.getVmStatus('pve1', 102);
    expect(status).toMatchObject({ status: 'running', maxmem: 2048 * MiB });
    expect(status.balloon).toBeUndefined(); // balloon device off: query-balloon has nothing to say
    expect(changes).toContain(102);
  });

  it('applies a balloon target change live when the device stays on (vmconfig_hotplug_pending)', async () => {
    const client = await sim.client();
    await client.setVmConfig('pve1', 101, { balloon: 2048 });
    expect((await client.getVmConfig('pve1', 101)).values.balloon).toBe(2048);
    expect(sim.state.effectiveMemoryMiB(101)).toBe(2048);
  });

  it('runs an asynchronous POST config as a qmconfig task', async () => {
    const r = await sim.raw('POST', '/nodes/pve1/qemu/101/config', { headers: tokenHeader, body: { name: 'k3s-server-zero' } });
    expect(r.status).toBe(200);
    const upid = r.json().data as string;
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmconfig:101:root@pam!runbook:$/);
    expect(await waitTask(sim, 'pve1', upid)).toMatchObject({ exitstatus: 'OK' });
    expect(sim.state.vm(101)!.name).toBe('k3s-server-zero');
  });

  it('deletes keys through `delete`, pending on a running VM', async () => {
    const client = await sim.client();
    await client.setVmConfig('pve1', 102, { delete: 'balloon' } as never);
    // Deleting the balloon target resets it to memory at once (hotplug), as in PVE.
    expect((await client.getVmConfig('pve1', 102)).values.balloon).toBeUndefined();
    await client.setVmConfig('pve1', 102, { delete: 'cores' } as never);
    expect(await client.getVmPending('pve1', 102)).toContainEqual({ key: 'cores', value: 2, delete: 1 });
  });
});
