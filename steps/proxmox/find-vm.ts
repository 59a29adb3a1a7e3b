// Kubernetes node name -> Proxmox VM, discovered by VM name through /cluster/resources
// (k3s nodes are usually named after their VMs). An inventory file can override it; see
// examples/inventory.yaml.
// Not being listed proves nothing: /cluster/resources silently leaves out VMs the token lacks
// VM.Audit on, and drops the name of VMs whose node stopped reporting 5 minutes ago
// (pve-manager PVE/API2/Cluster.pm resources, PVE/API2Tools.pm extract_vm_stats). A VM the
// inventory names is therefore asked for directly, so PVE itself says why.
import type { ProxmoxReader, ProxmoxVmSummary } from '../../src/adapters/ports.js';
import { ApiError } from '../../src/errors.js';

/** By name, else by a tag that is the node's name: tags come from the config, so they are still
 * listed when the name has expired (its PVE node silent for 5 minutes). */
export async function findVm(proxmox: ProxmoxReader, nodeName: string): Promise<ProxmoxVmSummary | undefined> {
  const vms = await proxmox.listVms();
  const byName = vms.filter((v) => v.name === nodeName);
  const matches = byName.length ? byName : vms.filter((v) => v.tags?.includes(nodeName));
  if (matches.length > 1) throw new Error(`${matches.length} Proxmox VMs are named or tagged ${nodeName} (${matches.map((m) => m.vmid).join(', ')}): map the node in an inventory file`);
  return matches[0];
}

/** What PVE says about the inventory's VM of an unlisted node: gone (with its words), or why it can't tell. */
type UnlistedVm =
  | { kind: 'not-in-inventory' }
  | { kind: 'no-pve-node'; vmid: number }
  | { kind: 'gone'; vmid: number; node: string; message: string }
  | { kind: 'exists'; vmid: number; node: string };

/** Reads the config of the VM the inventory maps `nodeName` to: a refusal (403, 595) is thrown. */
export async function probeUnlistedVm(proxmox: ProxmoxReader, nodeName: string): Promise<UnlistedVm> {
  const known = proxmox.knownVm?.(nodeName);
  if (!known) return { kind: 'not-in-inventory' };
  if (!known.node) return { kind: 'no-pve-node', vmid: known.vmid };
  try {
    await proxmox.getVmConfig(known.node, known.vmid);
    return { kind: 'exists', vmid: known.vmid, node: known.node };
  } catch (e) {
    if (e instanceof ApiError && e.kind === 'not-found') return { kind: 'gone', vmid: known.vmid, node: known.node, message: e.message };
    throw e;
  }
}

export async function requireVm(proxmox: ProxmoxReader, nodeName: string): Promise<ProxmoxVmSummary> {
  const vm = await findVm(proxmox, nodeName);
  if (vm) return vm;
  const probe = await probeUnlistedVm(proxmox, nodeName);
  if (probe.kind === 'gone') throw new Error(`the VM of ${nodeName} does not exist any more: ${probe.message}`);
  if (probe.kind === 'exists') throw new Error(`VM ${probe.vmid} of ${nodeName} exists on ${probe.node} but /cluster/resources does not list it: its node has not reported for 5 minutes`);
  throw new Error(`no Proxmox VM named ${nodeName}: map the node in an inventory file (a token without VM.Audit on a VM does not see it listed)`);
}

/** Why a node's VM is not listed, in PVE's words when the inventory names it. */
export async function whyUnlisted(proxmox: ProxmoxReader, nodeName: string): Promise<string> {
  try {
    const vm = await requireVm(proxmox, nodeName);
    return `VM ${vm.vmid} of ${nodeName} is not listed`;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The preflight of a step about one node's VM: it exists (and which one it is). */
export async function vmExists(proxmox: ProxmoxReader, nodeName: string): Promise<Array<{ ok: boolean; message: string }>> {
  const vm = await requireVm(proxmox, nodeName);
  return [{ ok: true, message: `VM ${vm.vmid} (${vm.name}) on ${vm.node}` }];
}
