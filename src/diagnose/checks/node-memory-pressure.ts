// node.memory-pressure: the kernel OOM killer ran on the node (kubelet SystemOOM events) or
// the kubelet reports MemoryPressure. Evidence: the victims, what the node has, what its pods
// are committed to (as kubectl describe node).
import { LESSONS, RUNBOOKS } from '../lessons.js';
import { lastSeenMs, nodeRestartedAt } from '../recency.js';
import { isControlPlane } from '../../kube-facts.js';
import { conditionOf, eventCount, eventOf } from '../objects.js';
import { formatBytes, nodeAllocation } from '../pod-resources.js';
import type { Check, Finding } from '../types.js';
import { nodeVms, suggestedMemoryMiB } from '../vm-facts.js';

const VICTIM = /victim process: ([^,\s]+)/;

export const nodeMemoryPressure: Check = ({ snap }) => {
  const out: Finding[] = [];
  const vms = new Map(nodeVms(snap).map((nv) => [nv.node.metadata.name, nv]));
  for (const node of snap.nodes) {
    const name = node.metadata.name;
    const events = snap.events.map(eventOf);
    // Kills from before the node last (re)started are history: the reboot was the fix.
    const restarted = nodeRestartedAt(name, events);
    const ooms = events.filter((e) => e.reason === 'SystemOOM' && e.involvedObject?.kind === 'Node' && e.involvedObject.name === name && lastSeenMs(e) >= restarted);
    const pressure = conditionOf(node, 'MemoryPressure')?.status === 'True';
    if (!ooms.length && !pressure) continue;
    const kills = ooms.reduce((s, e) => s + eventCount(e), 0);
    const victims = [...new Set(ooms.map((e) => VICTIM.exec(e.message ?? '')?.[1]).filter((v) => v !== undefined))];
    const alloc = nodeAllocation(node, snap.pods);
    const capacity = (node.status as { capacity?: { memory?: string } } | undefined)?.capacity?.memory;
    const nv = vms.get(name);
    const ballooned = nv !== undefined && nv.memory.balloon !== 0;
    out.push({
      id: `node-memory:${name}`,
      check: 'node.memory-pressure',
      severity: 'critical',
      title: `${name}${isControlPlane(node) ? ' (control plane)' : ''} is out of memory: ${kills ? `${kills} SystemOOM kill(s)` : 'MemoryPressure'}`,
      objects: [`node/${name}`],
      evidence: [
        ...(kills ? [`SystemOOM x${kills}, victims: ${victims.join(', ') || 'unknown'}`] : []),
        ...(pressure ? ['condition MemoryPressure=True'] : []),
        `capacity ${capacity ?? 'unknown'}, allocatable ${formatBytes(alloc.allocatable)}`,
        `memory requests ${formatBytes(alloc.requests)} (${alloc.requestsPct}%), limits ${formatBytes(alloc.limits)} (${alloc.limitsPct}%) over ${alloc.pods} pods`,
      ],
      lesson: LESSONS.nodePressure,
      ...(nv && ballooned ? { fix: { runbook: RUNBOOKS.fixBallooning, params: { nodes: [name], memory: suggestedMemoryMiB(snap, nv) } } } : {}),
    });
  }
  return out;
};
