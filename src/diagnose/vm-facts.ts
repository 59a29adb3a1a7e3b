// What the Proxmox checks share: each node's backing VM with its memory settings, and how
// much memory a host can give each of its VMs.
import type { KubeObject, ProxmoxVmSummary } from '../adapters/ports.js';
import { memorySettings, type MemorySettings } from '../proxmox-memory.js';
import { vmsByName } from './inventory.js';
import { isControlPlane } from '../kube-facts.js';
import type { Snapshot } from './types.js';

interface NodeVm {
  node: KubeObject;
  vm: ProxmoxVmSummary;
  memory: MemorySettings;
}

export function nodeVms(snap: Snapshot): NodeVm[] {
  if (!snap.proxmox) return [];
  const byName = vmsByName(snap.proxmox.vms);
  const out: NodeVm[] = [];
  for (const node of snap.nodes) {
    const vm = byName.get(node.metadata.name);
    const cfg = vm && snap.proxmox.configs.get(vm.vmid);
    if (vm && cfg) out.push({ node, vm, memory: memorySettings(cfg) });
  }
  return out;
}

/** What the host keeps for itself: fix-ballooning's `reserve` default, so a proposal passes its preflight. */
const HOST_RESERVE_MIB = 1024;

/** An equal share of the host (less its reserve) per running VM, rounded down to 256 MiB. */
export function fairShareMiB(totalMiB: number, vmCount: number): number {
  if (vmCount === 0) return totalMiB;
  return Math.max(256, Math.floor((totalMiB - HOST_RESERVE_MIB) / vmCount / 256) * 256);
}

/** Memory to give `vm` in a fix: its own size, unless the host cannot hold every VM at theirs. */
export function suggestedMemoryMiB(snap: Snapshot, nv: NodeVm): number {
  const px = snap.proxmox;
  if (!px) return nv.memory.memory;
  const status = px.hosts.get(nv.vm.node);
  if (!status) return nv.memory.memory;
  const totalMiB = Math.floor(status.memoryTotal / 2 ** 20);
  const running = px.vms.filter((vm) => vm.node === nv.vm.node && vm.status === 'running');
  const configuredMiB = nodeVms(snap).filter((x) => x.vm.node === nv.vm.node && x.vm.status === 'running').reduce((s, x) => s + x.memory.memory, 0);
  if (configuredMiB <= totalMiB) return nv.memory.memory;
  return Math.min(nv.memory.memory, fairShareMiB(totalMiB, running.length));
}

/** fix-ballooning's order: workers first, then control-plane nodes. */
export function workersFirst(nodes: readonly KubeObject[]): string[] {
  return [...nodes].sort((a, b) => Number(isControlPlane(a)) - Number(isControlPlane(b)) || a.metadata.name.localeCompare(b.metadata.name)).map((n) => n.metadata.name);
}
