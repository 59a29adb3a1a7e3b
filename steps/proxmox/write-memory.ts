// Writing memory/balloon so that a refusal leaves nothing behind. $update_vm_api (qemu-server
// src/PVE/API2/Qemu.pm) writes the new values to [PENDING] first and only then hotplugs them
// on a running VM: with 'memory' in the VM's `hotplug` option a decrease must unplug DIMMs
// (the guest may refuse) and anything under 1024 MiB fails, and those errors come back as a
// 400 while the values stay pending, to be applied by whoever reboots the VM next. We revert
// them (`revert`), so a failed step never leaves a change waiting for someone else's reboot.
import type { ProxmoxWriter } from '../../src/adapters/ports.js';

const KEYS = ['memory', 'balloon'] as const;

type Pending = Awaited<ReturnType<ProxmoxWriter['getVmPending']>>;

/** key -> its pending value, for memory and balloon */
function pendingOf(list: Pending): Map<string, string> {
  return new Map(list.filter((p) => p.pending !== undefined && KEYS.some((k) => k === p.key)).map((p) => [p.key, String(p.pending)]));
}

export async function writeOrRevert(proxmox: ProxmoxWriter, pveNode: string, vmid: number, values: Record<(typeof KEYS)[number], number>, digest: string): Promise<void> {
  const before = pendingOf(await proxmox.getVmPending(pveNode, vmid));
  try {
    await proxmox.setVmConfig(pveNode, vmid, values, digest);
  } catch (e) {
    // Only what this write left pending: a refusal before the write leaves others' values alone.
    const after = pendingOf(await proxmox.getVmPending(pveNode, vmid));
    const left = KEYS.filter((k) => after.get(k) === String(values[k]) && before.get(k) !== after.get(k));
    if (!left.length) throw e;
    await proxmox.setVmConfig(pveNode, vmid, { revert: left.join(',') });
    const hint = /hotplug problem/.test((e as Error).message) ? " (this VM hotplugs memory: PVE applies it live, and a decrease needs the guest to give DIMMs back; take 'memory' out of its hotplug option to change it at the next reboot instead)" : '';
    throw new Error(`${(e as Error).message}: the pending ${left.join(' and ')} change was reverted${hint}`, { cause: e });
  }
}

/**
 * For a rollback, whose reboot follows: a hotplug refusal still leaves the old memory pending,
 * and that reboot applies it, so it is not a failure (a decrease back often needs it).
 */
export async function writeForReboot(proxmox: ProxmoxWriter, pveNode: string, vmid: number, values: Record<string, string | number>, digest: string): Promise<void> {
  try {
    await proxmox.setVmConfig(pveNode, vmid, values, digest);
  } catch (e) {
    if (!/hotplug problem/.test((e as Error).message)) throw e;
    const after = pendingOf(await proxmox.getVmPending(pveNode, vmid));
    if (after.get('memory') !== String(values.memory)) throw e;
  }
}
