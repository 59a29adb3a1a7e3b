// Memory hotplug of a running VM, as qemu-server does it: vmconfig_hotplug_pending
// (src/PVE/QemuServer.pm) hotplugs a pending `memory` only when the VM's `hotplug` option
// (parse_hotplug_features: '1' = network,disk,usb; '0' = none) includes memory, through
// PVE::QemuServer::Memory::qemu_memory_hotplug (src/PVE/QemuServer/Memory.pm):
// - below the static 1024 MB it dies "memory can't be lower than 1024 MB" (a die without
//   "\n", so Perl appends where);
// - an increase adds DIMMs and writes the config after each;
// - a decrease deletes DIMMs (highest first), each retried while the guest holds it, then
//   raise_param_exc({dimmN => "error unplug memory module"}). A Linux guest only gives memory
//   back from movable zones (movable_node / online_movable); the lab's guests never do.
// Each error becomes "hotplug problem - <error>" for that option, and $update_vm_api raises
// them all as a 400 after the pending values were written: the change stays in [PENDING].
import { parseMemory } from './qemu-schema.js';
import type { SimVm } from './types.js';

/** $STATICMEM */
const STATIC_MEMORY_MIB = 1024;
/** foreach_dimm's first DIMM size (MiB); enough to name the DIMM a decrease gets stuck on */
const FIRST_DIMM_MIB = 512;

export function hotplugFeatures(vm: SimVm): Set<string> {
  const raw = String(vm.config.hotplug ?? '1');
  if (raw === '0') return new Set();
  return new Set((raw === '1' ? 'network,disk,usb' : raw).split(/[,;\s]+/).filter(Boolean));
}

/** PVE::Exception stringify of a die without a trailing newline. */
function perlDie(text: string, line: number): string {
  return `${text} at /usr/share/perl5/PVE/QemuServer/Memory.pm line ${line}.\n`;
}

/** qemu_memory_hotplug: the applied value, or the error text for "hotplug problem - ...". */
export function hotplugMemory(vm: SimVm, value: string | number): { applied: string | number } | { error: string } {
  const oldMiB = parseMemory(vm.config.memory ?? 512) ?? 512;
  const newMiB = parseMemory(value) ?? oldMiB;
  if (newMiB === oldMiB) return { applied: value };
  if (newMiB < STATIC_MEMORY_MIB) return { error: perlDie(`memory can't be lower than ${STATIC_MEMORY_MIB} MB`, 219) };
  if (newMiB > oldMiB) return { applied: value };
  const dimm = Math.max(0, Math.ceil((oldMiB - STATIC_MEMORY_MIB) / FIRST_DIMM_MIB) - 1);
  return { error: `400 Parameter verification failed.\ndimm${dimm}: error unplug memory module\n` };
}

/** Memory::config at VM start (config_to_command): what a VM with memory hotplug must have. */
export function startMemoryError(vm: SimVm): string | undefined {
  if (!hotplugFeatures(vm).has('memory')) return undefined;
  if (!Number(vm.config.numa ?? 0)) return 'NUMA needs to be enabled for memory hotplug';
  const memory = parseMemory(vm.config.memory ?? 512) ?? 512;
  if (memory < STATIC_MEMORY_MIB) return `minimum memory must be ${STATIC_MEMORY_MIB}MB`;
  return undefined;
}
