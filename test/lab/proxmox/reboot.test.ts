// Reboot as PVE does it (qemu-server PVE/QemuServer.pm vm_reboot/_do_vm_stop, PVE/CLI/qm.pm
// cleanup, qmeventd): the qmreboot task is a shutdown that ends once QEMU exited, pending
// changes apply at that stop, and the VM comes back in a separate qmstart task owned by
// root@pam, which may fail on its own; a guest slower than the timeout fails the reboot.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { startSim, tokenHeader, waitTask, type Sim } from './fixture.js';

let sim: Sim;
afterEach(() => sim.close());

const startsOf = (s: Sim, vmid: number) => s.state.tasks().filter((t) => t.type === 'qmstart' && t.id === String(vmid));

describe('Proxmox simulator: reboot is a shutdown, qmeventd starts the VM again', () => {
  it('ends the reboot task when the VM stopped (pending applied); a root@pam qmstart task brings it back', async () => {
    sim = await startSim();
    const client = await sim.client();
    await client.setVmConfig('pve1', 101, { memory: 2048, balloon: 0 });
    const statuses: string[] = [];
    sim.state.on('vm-changed', (vm: { vmid: number; status: string }) => vm.vmid === 101 && statuses.push(vm.status));
    const upid = await client.vmAction('pve1', 101, 'reboot');
    expect(await waitTask(sim, 'pve1', upid)).toEqual({ upid, status: 'stopped', exitstatus: 'OK' });
    // At the end of the reboot task QEMU has exited: stopped, pending already applied.
    expect(sim.state.vm(101)).toMatchObject({ status: 'stopped', config: { memory: 2048, balloon: 0 }, pending: {} });
    const [start] = startsOf(sim, 101);
    expect(start).toMatchObject({ user: 'root@pam', node: 'pve1' });
    expect(await waitTask(sim, 'pve1', start!.upid)).toMatchObject({ status: 'stopped', exitstatus: 'OK' });
    expect(await client.getVmStatus('pve1', 101)).toMatchObject({ status: 'running', maxmem: 2048 * 2 ** 20 });
    expect(statuses).toEqual(['stopped', 'running']);
  });

  it('leaves the VM stopped when the start after an OK reboot fails', async () => {
    sim = await startSim();
    const client = await sim.client();
    sim.state.failNextTask({ type: 'qmstart', vmid: 101, exitstatus: 'start failed: QEMU exited with code 1' });
    const upid = await client.vmAction('pve1', 101, 'reboot');
    expect(await waitTask(sim, 'pve1', upid)).toMatchObject({ exitstatus: 'OK' });
    await eventually(() => startsOf(sim, 101).some((t) => t.endtime !== undefined), 'the qmstart task to end');
    expect(startsOf(sim, 101)[0]).toMatchObject({ user: 'root@pam', exitstatus: 'start failed: QEMU exited with code 1' });
    expect((await client.getVmStatus('pve1', 101)).status).toBe('stopped');
  });

  it('fails with "VM quit/powerdown failed - got timeout" when the guest is slower than the timeout; nothing applies', async () => {
    sim = await startSim();
    const client = await sim.client();
    sim.state.vm(101)!.shutdownSeconds = 3;
    await client.setVmConfig('pve1', 101, { memory: 2048 });
    const r = await sim.raw('POST', '/nodes/pve1/qemu/101/status/reboot', { headers: tokenHeader, body: { timeout: '1' } });
    expect(r.status).toBe(200);
    const upid = r.json().data as string;
    expect(await waitTask(sim, 'pve1', upid)).toMatchObject({ exitstatus: 'VM quit/powerdown failed - got timeout' });
    expect(sim.state.vm(101)).toMatchObject({ status: 'running', pending: { memory: 2048 } });
    expect(startsOf(sim, 101)).toEqual([]);
  });

  it('reboots a slow guest that powers off within the timeout; the task takes that long', async () => {
    sim = await startSim();
    const client = await sim.client();
    sim.state.vm(101)!.shutdownSeconds = 2;
    const upid = await client.vmAction('pve1', 101, 'reboot');
    expect(await client.getTaskStatus('pve1', upid)).toMatchObject({ status: 'running' });
    expect(sim.state.vm(101)!.status).toBe('running'); // still powering down
    expect(await waitTask(sim, 'pve1', upid)).toMatchObject({ exitstatus: 'OK' });
    expect(startsOf(sim, 101)).toHaveLength(1);
  });

  it('shutdown with forceStop stops a guest that ignores the powerdown', async () => {
    sim = await startSim();
    sim.state.vm(101)!.shutdownSeconds = 30;
    const r = await sim.raw('POST', '/nodes/pve1/qemu/101/status/shutdown', { headers: tokenHeader, body: { timeout: '0', forceStop: '1' } });
    expect(await waitTask(sim, 'pve1', r.json().data as string)).toMatchObject({ exitstatus: 'OK' });
    expect(sim.state.vm(101)!.status).toBe('stopped');
    expect(startsOf(sim, 101)).toEqual([]); // a shutdown is not a reboot: nothing starts it
  });
});
