// node.memory-commitment: what the pods on a node request and are allowed to use, against its
// allocatable memory, computed exactly as `kubectl describe node` ("Allocated resources").
// Requests over allocatable cannot all be honoured (critical; it happens when a node's
// capacity shrinks under scheduled pods); limits over allocatable are overcommitted (warning).
import { LESSONS } from '../lessons.js';
import { formatBytes, nodeAllocation } from '../pod-resources.js';
import type { Check, Finding } from '../types.js';

export const nodeCommitment: Check = ({ snap }) => {
  const out: Finding[] = [];
  for (const node of snap.nodes) {
    const a = nodeAllocation(node, snap.pods);
    if (a.allocatable === 0 || (a.requests <= a.allocatable && a.limits <= a.allocatable)) continue;
    const name = node.metadata.name;
    const overRequests = a.requests > a.allocatable;
    out.push({
      id: `memory-commitment:${name}`,
      check: 'node.memory-commitment',
      severity: overRequests ? 'critical' : 'warning',
      title: `${name}: memory ${overRequests ? 'requests' : 'limits'} at ${overRequests ? a.requestsPct : a.limitsPct}% of allocatable`,
      objects: [`node/${name}`],
      evidence: [`allocatable ${formatBytes(a.allocatable)}; requests ${formatBytes(a.requests)} (${a.requestsPct}%), limits ${formatBytes(a.limits)} (${a.limitsPct}%) over ${a.pods} pods`],
      lesson: LESSONS.commitment,
    });
  }
  return out;
};
