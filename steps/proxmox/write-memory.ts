// Writing memory/balloon to a VM that may hotplug memory. $update_vm_api (qemu-server
// src/PVE/API2/Qemu.pm) writes the new values to [PENDING] first and only then hotplugs them
// on a running VM; with 'memory' in its `hotplug` option (PVE/QemuServer/Memory.pm):
// - a decrease must unplug DIMMs, which the guest may keep ("error unplug memory module"): the
//   value stays pending and applies at the next boot, as on any VM without memory hotplug, so
//   that is not a failure here (the caller reboots; its undo is already journaled);
// - anything else (under 1024 MiB, which such a VM could not even start with) is a 400 with the
//   values still pending, to be applied by whoever reboots next: we revert what this write left
//   pending, so a failed step never leaves a change behind.
import type { ProxmoxWriter } from '../../src/adapters/ports.js';

const KEYS = ['memory', 'balloon'] as const;

type Pending = Awaited<ReturnType<ProxmoxWriter['getVmPending']>>;

/** key -> its pending value, for memory and balloon */
function pendingOf(list: Pending): Map<string, string> {
  return new Map(list.filter((p) => p.pending !== undefined && KEYS.some((k) => k === p.key)).map((p) => [p.key, String(p.pending)]));
}

export async function writeMemory(proxmox: ProxmoxWriter, pveNode: string, vmid: number, values: Record<string, string | number>, digest: string, log: (m: string) => void): Promise<void> {
  const before = pendingOf(await proxmox.getVmPending(pveNode, vmid));
  try {
    await proxmox.setVmConfig(pveNode, vmid, values, digest);
  } catch (e) {
    const message = (e as Error).message;
    // Only what this write left pending: a refusal before the write leaves others' values alone.
    const after = pendingOf(await proxmox.getVmPending(pveNode, vmid));
    const left = KEYS.filter((k) => values[k] !== undefined && after.get(k) === String(values[k]) && before.get(k) !== after.get(k));
    if (left.includes('memory') && /error unplug memory module/.test(message)) {
      log(`the guest kept its memory DIMMs (${message.replace(/\s+/g, ' ').trim()}): memory ${values.memory} MiB stays pending until the reboot`);
      return;
    }
    if (!left.length) throw e;
    await proxmox.setVmConfig(pveNode, vmid, { revert: left.join(',') });
    throw new Error(`${message}: the pending ${left.join(' and ')} change was reverted`, { cause: e });
  }
}
