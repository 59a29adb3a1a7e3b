// pod.no-memory-limit: containers in system namespaces without a memory limit, per workload
// and container. Critical when that container is being OOM-killed, a warning on a node the
// kernel OOM killer visits, otherwise information: a limit is a guard, not yet a failure.
import type { KubeObject } from '../../adapters/ports.js';
import { LESSONS } from '../lessons.js';
import { eventOf, isNonTerminated, objectName, podSpec, podStatus, workloadOf } from '../objects.js';
import type { Check, Finding, Severity } from '../types.js';

export const noMemoryLimit: Check = ({ snap, opts }) => {
  const oomNodes = new Set(snap.events.map(eventOf).filter((e) => e.reason === 'SystemOOM' && e.involvedObject?.kind === 'Node').map((e) => e.involvedObject?.name));
  const groups = new Map<string, { pods: KubeObject[]; container: string; oomKilled: number; onOomNodes: Set<string> }>();
  for (const pod of snap.pods) {
    const ns = pod.metadata.namespace ?? '';
    if (!opts.systemNamespaces.includes(ns) || !isNonTerminated(pod)) continue;
    const spec = podSpec(pod);
    // Init containers run to completion; restartable ones (sidecars) run alongside and count.
    const running = [...(spec.containers ?? []), ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of running) {
      if (c.resources?.limits?.memory !== undefined) continue;
      const key = `${ns}/${workloadOf(pod)}/${c.name}`;
      const g = groups.get(key) ?? { pods: [], container: c.name, oomKilled: 0, onOomNodes: new Set<string>() };
      g.pods.push(pod);
      const st = (podStatus(pod).containerStatuses ?? []).find((s) => s.name === c.name);
      if (st?.lastState?.terminated?.reason === 'OOMKilled' || st?.state?.terminated?.reason === 'OOMKilled') g.oomKilled++;
      if (spec.nodeName && oomNodes.has(spec.nodeName)) g.onOomNodes.add(spec.nodeName);
      groups.set(key, g);
    }
  }
  const out: Finding[] = [];
  for (const [key, g] of groups) {
    const severity: Severity = g.oomKilled ? 'critical' : g.onOomNodes.size ? 'warning' : 'info';
    out.push({
      id: `no-memory-limit:${key}`,
      check: 'pod.no-memory-limit',
      severity,
      title: `${key} has no memory limit (${g.pods.length} pod(s))`,
      objects: g.pods.map(objectName),
      evidence: [
        `container ${g.container}: resources.limits.memory not set`,
        ...(g.oomKilled ? [`OOMKilled in ${g.oomKilled} pod(s)`] : []),
        ...(g.onOomNodes.size ? [`runs on nodes with SystemOOM: ${[...g.onOomNodes].sort().join(', ')}`] : []),
      ],
      lesson: LESSONS.noLimit,
    });
  }
  return out;
};
