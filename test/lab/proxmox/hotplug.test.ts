// Memory hotplug (qemu-server PVE/QemuServer.pm vmconfig_hotplug_pending, PVE/QemuServer/Memory.pm
// qemu_memory_hotplug, PVE/API2/Qemu.pm $update_vm_api): with 'memory' in `hotplug` a running
// VM takes an increase at once; a decrease needs DIMMs back from the guest and below 1024 MB
// fails; the errors are a 400 that comes after the pending values were written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartUpid, spec, startSim, tokenHeader, waitTask, type Sim } from './fixture.js';

let sim: Sim;
beforeEach(async () => {
  sim = await startSim(spec({ vms: [{ vmid: 101, name: 'k3s-server-0', node: 'pve1', memory: 4096, balloon: 1200 }] }));
  sim.state.vm(101)!.config.hotplug = 'network,disk,usb,memory';
  sim.state.vm(101)!.config.numa = 1;
});
afterEach(() => sim.close());

const put = (body: Record<string, string>) => sim.raw('PUT', '/nodes/pve1/qemu/101/config', { headers: tokenHeader, body });

describe('Proxmox simulator: memory hotplug', () => {
  it('applies an increase to a running VM at once', async () => {
    const r = await put({ memory: '6144' });
    expect(r.status).toBe(200);
    expect(sim.state.vm(101)).toMatchObject({ config: { memory: 6144 }, pending: {} });
  });

  it('answers 400 for a decrease the guest cannot unplug, with the values left pending', async () => {
    const r = await put({ memory: '2048', balloon: '0' });
    expect([r.status, r.json().errors]).toEqual([400, { memory: 'hotplug problem - 400 Parameter verification failed.\ndimm5: error unplug memory module\n' }]);
    expect(sim.state.vm(101)).toMatchObject({ config: { memory: 4096, balloon: 1200 }, pending: { memory: 2048, balloon: 0 } });
  });

  it("refuses less than the static 1024 MB in Memory.pm's words", async () => {
    const r = await put({ memory: '768', balloon: '0' });
    expect(r.status).toBe(400);
    expect(r.json().errors?.memory).toMatch(/^hotplug problem - memory can't be lower than 1024 MB at \/usr\/share\/perl5\/PVE\/QemuServer\/Memory\.pm line \d+\.\n$/);
    expect(sim.state.vm(101)!.pending).toEqual({ memory: 768, balloon: 0 });
  });

  it('keeps memory pending without memory in hotplug (the default network,disk,usb)', async () => {
    delete sim.state.vm(101)!.config.hotplug;
    expect((await put({ memory: '2048' })).status).toBe(200);
    expect(sim.state.vm(101)).toMatchObject({ config: { memory: 4096 }, pending: { memory: 2048 } });
  });

  it('will not start a VM with memory hotplug but without NUMA (Memory.pm config at start)', async () => {
    sim.state.vm(101)!.config.numa = 0;
    const client = await sim.client();
    const upid = await client.vmAction('pve1', 101, 'reboot');
    expect(await waitTask(sim, 'pve1', upid)).toMatchObject({ exitstatus: 'OK' });
    expect(await waitTask(sim, 'pve1', restartUpid(sim, 101))).toMatchObject({ exitstatus: 'NUMA needs to be enabled for memory hotplug' });
    expect(sim.state.vm(101)!.status).toBe('stopped');
  });
});
