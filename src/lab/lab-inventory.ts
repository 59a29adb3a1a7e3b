// The lab's inventory (lab-dir.ts writes it, proxmox.env names it): each seeded Node's VM, from
// the vmid the scenario gave it. A VM deleted in Proxmox keeps its entry, as an operator's
// inventory would, so purge-dead-node can ask Proxmox about exactly that VM ("does not exist").
import type { KubeStore } from './kube/store.js';
import { nodeVmid } from './kubelet/node-model.js';
import type { ProxmoxState } from './proxmox/state.js';

export function labInventory(store: KubeStore, proxmox: ProxmoxState): Record<string, { vmid: number; node?: string }> {
  const pveNodes = proxmox.nodes();
  const out: Record<string, { vmid: number; node?: string }> = {};
  for (const n of store.list('v1', 'Node')) {
    const vmid = nodeVmid(n);
    if (vmid === undefined) continue;
    // A deleted VM's PVE node is known only when there is just one.
    const node = proxmox.vm(vmid)?.node ?? (pveNodes.length === 1 ? pveNodes[0]!.name : undefined);
    out[n.metadata.name] = { vmid, ...(node ? { node } : {}) };
  }
  return out;
}
