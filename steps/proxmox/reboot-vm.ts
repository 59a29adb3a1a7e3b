// proxmox.reboot-vm: reboot through the API (POST status/reboot), the only way pending memory
// and balloon changes take effect; waits for the task to finish OK and the VM to run again.
// A VM that is stopped is started instead. A reboot cannot be undone: the rollback of
// proxmox.set-memory reboots again itself, so the restored config takes effect.
import { z } from 'zod';
import type { ProxmoxWriter } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/engine/define-step.js';
import { duration, nodeName } from '../schemas.js';
import { requireVm } from './find-vm.js';
import { pve } from './permissions.js';
import { waitTask, waitVmRunning } from './wait-task.js';

const params = z.object({ node: nodeName, timeout: duration.default(10 * 60_000), onlyIfPending: z.boolean().default(false) }).strict();

export async function rebootAndWait(proxmox: ProxmoxWriter, pveNode: string, vmid: number, timeoutMs: number, signal: AbortSignal): Promise<string> {
  const status = await proxmox.getVmStatus(pveNode, vmid);
  const upid = await proxmox.vmAction(pveNode, vmid, status.status === 'running' ? 'reboot' : 'start');
  await waitTask(proxmox, pveNode, upid, timeoutMs, signal);
  await waitVmRunning(proxmox, pveNode, vmid, timeoutMs, signal);
  return upid;
}

export const proxmoxRebootVm = defineStep({
  type: 'proxmox.reboot-vm',
  description: 'Reboots a VM through the Proxmox API (applies pending changes) and waits until it runs again.',
  params,
  outputs: z.object({ upid: z.string() }),
  uses: ['proxmox'],
  destructive: true,
  permissions: [pve(['VM.Audit', 'VM.PowerMgmt'])],
  async preflight({ params, adapters }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    return [{ ok: true, message: `VM ${vm.vmid} on ${vm.node} is ${vm.status}` }];
  },
  async plan({ params, adapters }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    const pending = await adapters.proxmox.getVmPending(vm.node, vm.vmid);
    const changes = pending.filter((p) => p.pending !== undefined || p.delete).map((p) => p.key);
    if (params.onlyIfPending && !changes.length) return [{ op: 'noop', target: `pve:${vm.node}/qemu/${vm.vmid}`, summary: 'no pending changes' }];
    return [{ op: 'action', target: `pve:${vm.node}/qemu/${vm.vmid}`, summary: `reboot ${params.node}${changes.length ? ` (applies pending: ${changes.join(', ')})` : ''}` }];
  },
  async apply({ params, adapters, signal }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    if (params.onlyIfPending) {
      const pending = await adapters.proxmox.getVmPending(vm.node, vm.vmid);
      if (!pending.some((p) => p.pending !== undefined || p.delete)) return { outputs: { upid: '' }, undo: null };
    }
    const upid = await rebootAndWait(adapters.proxmox, vm.node, vm.vmid, params.timeout, signal);
    return { outputs: { upid }, undo: null };
  },
});
