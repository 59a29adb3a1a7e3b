// proxmox.capacity-mismatch: the node reports far less memory than its VM is configured with
// (the incident's 516Mi seen of 4096 MiB). A guest kernel keeps a few percent for itself, so
// only a node below 80% of the configured size counts.
import { parseQuantity } from '../../kube-quantity.js';
import { LESSONS, RUNBOOKS } from '../lessons.js';
import { mib } from '../pod-resources.js';
import type { Check, Finding } from '../types.js';
import { nodeVms, suggestedMemoryMiB } from '../vm-facts.js';

const MIN_CAPACITY_RATIO = 0.8;

export const capacityMismatch: Check = ({ snap }) => {
  const out: Finding[] = [];
  for (const nv of nodeVms(snap)) {
    const raw = (nv.node.status as { capacity?: { memory?: string } } | undefined)?.capacity?.memory;
    if (!raw || nv.vm.status !== 'running') continue;
    let capacityMiB: number;
    try {
      capacityMiB = mib(parseQuantity(raw));
    } catch {
      continue;
    }
    const ratio = capacityMiB / nv.memory.memory;
    if (ratio >= MIN_CAPACITY_RATIO) continue;
    const name = nv.node.metadata.name;
    out.push({
      id: `capacity:${name}`,
      check: 'proxmox.capacity-mismatch',
      severity: 'critical',
      title: `${name} reports ${raw} of memory, its VM ${nv.vm.vmid} is configured with ${nv.memory.memory} MiB`,
      objects: [`node/${name}`, `qemu/${nv.vm.vmid}`],
      evidence: [
        `configured ${nv.memory.memory} MiB, node capacity ${raw} (${Math.round(ratio * 100)}%)`,
        nv.memory.balloon === undefined || nv.memory.balloon === 0 ? 'balloon device off or at full size' : `balloon target ${nv.memory.balloon} MiB`,
      ],
      lesson: LESSONS.capacity,
      fix: { runbook: RUNBOOKS.fixBallooning, params: { nodes: [name], memory: suggestedMemoryMiB(snap, nv) } },
    });
  }
  return out;
};
