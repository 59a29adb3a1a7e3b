// Kubernetes node <-> Proxmox VM: by name, as steps/proxmox/find-vm.ts maps them (k3s nodes
// are named after their VMs). A name shared by several VMs maps to none: guessing could
// blame the wrong machine.
import type { ProxmoxVmSummary } from '../adapters/ports.js';

export function vmsByName(vms: readonly ProxmoxVmSummary[]): Map<string, ProxmoxVmSummary> {
  const count = new Map<string, number>();
  for (const vm of vms) count.set(vm.name, (count.get(vm.name) ?? 0) + 1);
  return new Map(vms.filter((vm) => count.get(vm.name) === 1).map((vm) => [vm.name, vm]));
}
