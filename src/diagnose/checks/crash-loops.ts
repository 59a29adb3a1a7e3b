// pod.oom-killed / pod.restart-loop: containers the OOM killer ended (last or current state
// OOMKilled) and containers restarting over and over, grouped per workload and container
// (one finding for the speaker DaemonSet's frr, listing its pods).
import type { KubeObject } from '../../adapters/ports.js';
import { terminatedRecently } from '../recency.js';
import { LESSONS } from '../lessons.js';
import { objectName, podSpec, podStatus, workloadOf, type ContainerStatus } from '../objects.js';
import { formatBytes } from '../pod-resources.js';
import { parseQuantity } from '../../kube-quantity.js';
import type { Check, Finding } from '../types.js';

const RESTART_LOOP_THRESHOLD = 5;

interface Hit {
  pod: KubeObject;
  status: ContainerStatus;
  oom: boolean;
}

function memoryLimit(pod: KubeObject, container: string): string {
  const c = [...(podSpec(pod).containers ?? []), ...(podSpec(pod).initContainers ?? [])].find((x) => x.name === container);
  const raw = c?.resources?.limits?.memory;
  if (raw === undefined) return 'no memory limit';
  try {
    return `limit ${formatBytes(parseQuantity(raw))}`;
  } catch {
    return `limit ${raw}`;
  }
}

export const crashLoops: Check = ({ snap, opts }) => {
  const groups = new Map<string, Hit[]>();
  for (const pod of snap.pods) {
    for (const status of podStatus(pod).containerStatuses ?? []) {
      // Restart counts only grow: a container that has run quietly for a while is not looping.
      if (!terminatedRecently(status, opts.now)) continue;
      const oom = status.lastState?.terminated?.reason === 'OOMKilled' || status.state?.terminated?.reason === 'OOMKilled';
      const looping = (status.restartCount ?? 0) >= RESTART_LOOP_THRESHOLD || status.state?.waiting?.reason === 'CrashLoopBackOff';
      if (!oom && !looping) continue;
      const key = `${pod.metadata.namespace}/${workloadOf(pod)}/${status.name}`;
      groups.set(key, [...(groups.get(key) ?? []), { pod, status, oom }]);
    }
  }
  const out: Finding[] = [];
  for (const [key, hits] of groups) {
    const oom = hits.some((h) => h.oom);
    const restarts = hits.reduce((s, h) => s + (h.status.restartCount ?? 0), 0);
    const container = hits[0]!.status.name;
    out.push({
      id: `${oom ? 'oom-killed' : 'restart-loop'}:${key}`,
      check: oom ? 'pod.oom-killed' : 'pod.restart-loop',
      severity: oom ? 'critical' : 'warning',
      title: `${key}: ${oom ? 'OOMKilled' : 'restarting'} in ${hits.length} pod(s), ${restarts} restarts`,
      objects: hits.map((h) => objectName(h.pod)),
      evidence: hits.map((h) => {
        const s = h.status;
        const last = s.lastState?.terminated ?? s.state?.terminated;
        const parts = [
          `${h.pod.metadata.name} on ${podSpec(h.pod).nodeName ?? 'no node'}`,
          `restarts ${s.restartCount ?? 0}`,
          ...(last?.reason ? [`last ${last.reason}${last.exitCode !== undefined ? ` (exit ${last.exitCode})` : ''}`] : []),
          ...(s.state?.waiting?.reason ? [s.state.waiting.reason] : []),
          memoryLimit(h.pod, container),
        ];
        return parts.join(', ');
      }),
      lesson: oom ? LESSONS.oomKilled : LESSONS.restartLoop,
    });
  }
  return out;
};
