// proxmox.ballooning: the balloon device is on for a VM that backs a Kubernetes node. Active
// (target below the configured size) is critical: the host can take memory back from under
// the kubelet. Device on with target = size is a warning: nothing shrinks yet.
import { ballooningActive, describeMemory } from '../../proxmox-memory.js';
import { LESSONS, RUNBOOKS } from '../lessons.js';
import type { Check, Finding } from '../types.js';
import { nodeVms, suggestedMemoryMiB } from '../vm-facts.js';

export const ballooning: Check = ({ snap }) => {
  const out: Finding[] = [];
  for (const nv of nodeVms(snap)) {
    if (nv.memory.balloon === 0) continue;
    const active = ballooningActive(nv.memory);
    const name = nv.node.metadata.name;
    const capacity = (nv.node.status as { capacity?: { memory?: string } } | undefined)?.capacity?.memory;
    out.push({
      id: `ballooning:${name}`,
      check: 'proxmox.ballooning',
      severity: active ? 'critical' : 'warning',
      title: active
        ? `VM ${nv.vm.vmid} (${name}) balloons down to ${nv.memory.balloon} MiB of its ${nv.memory.memory} MiB`
        : `VM ${nv.vm.vmid} (${name}) has the balloon device on`,
      objects: [`node/${name}`, `qemu/${nv.vm.vmid}`],
      evidence: [
        `${describeMemory(nv.memory)} on PVE node ${nv.vm.node}`,
        ...(capacity ? [`node reports memory capacity ${capacity}`] : []),
      ],
      lesson: LESSONS.ballooning,
      fix: { runbook: RUNBOOKS.fixBallooning, params: { nodes: [name], memory: suggestedMemoryMiB(snap, nv) } },
    });
  }
  return out;
};
