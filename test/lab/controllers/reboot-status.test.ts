// A rebooting node's status, with the real Proxmox simulator state: nothing posts NotReady on a
// shutdown, so the Node keeps Ready=True, its old capacity and its old bootID while the VM is
// down and while the guest boots; only the kubelet of the new boot posts a new bootID.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { syncNodeStatus } from '../../../src/lab/kubelet/node-status.js';
import type { ControllerContext } from '../../../src/lab/kubelet/types.js';
import { ProxmoxState } from '../../../src/lab/proxmox/state.js';
import { condition, harness, node } from './harness.js';

let state: ProxmoxState | undefined;
afterEach(() => state?.dispose());

describe('node status across a reboot', () => {
  it('keeps the old Ready, capacity and bootID until the rebooted guest\'s kubelet posts', async () => {
    state = ProxmoxState.fromSpec({
      nodes: [{ name: 'pve', memoryMiB: 16384 }],
      vms: [{ vmid: 101, name: 'k3s-server-0', node: 'pve', memory: 4096, balloon: 3072 }],
      rebootSeconds: 0.2,
      guestBootSeconds: 3,
    });
    const h = harness({ grace: 40 });
    const ctx: ControllerContext = { ...h.ctx, proxmox: state, now: () => Date.now() };
    h.store.create(node('k3s-server-0', 101));
    const read = () => {
      syncNodeStatus(ctx);
      const n = h.store.get('v1', 'Node', 'k3s-server-0')!;
      const s = n.status as { capacity: { memory: string }; nodeInfo: { bootID: string } };
      return { ready: condition(n, 'Ready')?.status, memory: s.capacity.memory, bootID: s.nodeInfo.bootID };
    };
    const before = read();
    expect(before).toMatchObject({ ready: 'True', memory: '3072Mi' });

    const vm = state.vm(101)!;
    vm.pending = { memory: 2048, balloon: 0 };
    state.startTask('qmreboot', vm, 'root@pam!runbook');
    await eventually(() => vm.status === 'stopped', 'the VM to stop');
    expect(read()).toEqual(before); // down: still Ready with the old capacity and boot
    await eventually(() => vm.status === 'running', 'qmeventd to start the VM');
    expect(state.guestBooted(101)).toBe(false);
    expect(read()).toEqual(before); // QEMU runs, the guest boots: still the old status

    await eventually(() => state!.guestBooted(101), 'the guest to boot');
    const after = read();
    expect(after).toMatchObject({ ready: 'True', memory: '2048Mi' });
    expect(after.bootID).not.toBe(before.bootID);
  });
});
