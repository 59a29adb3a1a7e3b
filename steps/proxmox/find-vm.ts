// Kubernetes node name -> Proxmox VM, discovered by VM name through /cluster/resources
// (k3s nodes are usually named after their VMs). An inventory file can override it; see
// examples/inventory.yaml.
import type { ProxmoxReader, ProxmoxVmSummary } from '../../src/adapters/ports.js';

export async function findVm(proxmox: ProxmoxReader, nodeName: string): Promise<ProxmoxVmSummary | undefined> {
  const vms = await proxmox.listVms();
  const matches = vms.filter((v) => v.name === nodeName);
  if (matches.length > 1) throw new Error(`${matches.length} Proxmox VMs are named ${nodeName} (${matches.map((m) => m.vmid).join(', ')}): map the node in an inventory file`);
  return matches[0];
}

export async function requireVm(proxmox: ProxmoxReader, nodeName: string): Promise<ProxmoxVmSummary> {
  const vm = await findVm(proxmox, nodeName);
  if (!vm) throw new Error(`no Proxmox VM named ${nodeName}: map the node in an inventory file`);
  return vm;
}

/** The preflight of a step about one node's VM: it exists (and which one it is). */
export async function vmExists(proxmox: ProxmoxReader, nodeName: string): Promise<Array<{ ok: boolean; message: string }>> {
  const vm = await requireVm(proxmox, nodeName);
  return [{ ok: true, message: `VM ${vm.vmid} (${vm.name}) on ${vm.node}` }];
}
