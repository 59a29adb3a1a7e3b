// flux.reserved-priority-class: PriorityClass names with the reserved `system-` prefix (other
// than the two built-ins), from the cluster's events (the apiserver's rejection as Flux
// reports it), HelmRelease values, pods, and the GitOps checkout when given. One finding per name.
import { isReservedName } from '../gitops-scan.js';
import { recoveredSince } from '../recency.js';
import { LESSONS } from '../lessons.js';
import { eventOf, nsName, objectName, podSpec } from '../objects.js';
import type { Check, Finding } from '../types.js';

const IN_MESSAGE = /PriorityClass\/(system-[a-z0-9.-]+)|priority ?class(?: name)? "?(system-[a-z0-9.-]+)/gi;

/** Every `priorityClassName` value in a values tree, with its dotted path. */
function valueRefs(tree: unknown, path: string[] = []): { path: string; name: string }[] {
  if (!tree || typeof tree !== 'object') return [];
  const out: { path: string; name: string }[] = [];
  for (const [k, v] of Object.entries(tree as Record<string, unknown>)) {
    if (k === 'priorityClassName' && typeof v === 'string') out.push({ path: [...path, k].join('.'), name: v });
    else out.push(...valueRefs(v, [...path, k]));
  }
  return out;
}

export const reservedPriorityClass: Check = ({ snap }) => {
  const byName = new Map<string, { objects: Set<string>; evidence: string[] }>();
  const note = (name: string, object: string | undefined, line: string) => {
    const e = byName.get(name) ?? { objects: new Set([`priorityclass/${name}`]), evidence: [] };
    if (object) e.objects.add(object);
    if (!e.evidence.includes(line)) e.evidence.push(line);
    byName.set(name, e);
  };
  for (const ev of snap.events.map(eventOf)) {
    if (recoveredSince(ev, [...snap.helmReleases, ...snap.kustomizations])) continue;
    for (const m of (ev.message ?? '').matchAll(IN_MESSAGE)) {
      const name = m[1] ?? m[2];
      if (!name || !isReservedName(name)) continue;
      const inv = ev.involvedObject;
      const who = inv?.kind && inv.name ? `${inv.kind.toLowerCase()}/${inv.namespace ? `${inv.namespace}/` : ''}${inv.name}` : undefined;
      note(name, who, `event ${ev.reason ?? ''} on ${who ?? 'unknown object'}: ${(ev.message ?? '').split(':')[0]}`);
    }
  }
  for (const hr of snap.helmReleases) {
    for (const ref of valueRefs((hr.spec as { values?: unknown } | undefined)?.values)) {
      if (isReservedName(ref.name)) note(ref.name, objectName(hr), `helmrelease/${nsName(hr)} values ${ref.path}: ${ref.name}`);
    }
  }
  for (const pod of snap.pods) {
    const name = podSpec(pod).priorityClassName;
    if (name && isReservedName(name)) note(name, objectName(pod), `pod ${nsName(pod)} uses priorityClassName ${name}`);
  }
  for (const pc of snap.priorityClasses) {
    if (isReservedName(pc.metadata.name)) note(pc.metadata.name, undefined, `PriorityClass ${pc.metadata.name} exists in the cluster`);
  }
  for (const hit of snap.gitops) note(hit.name, undefined, `${hit.file}:${hit.line}: ${hit.via === 'PriorityClass' ? 'kind: PriorityClass named' : 'priorityClassName:'} ${hit.name}`);
  const out: Finding[] = [];
  for (const [name, e] of byName) {
    out.push({
      id: `reserved-priorityclass:${name}`,
      check: 'flux.reserved-priority-class',
      severity: 'critical',
      title: `PriorityClass name ${name} uses the reserved system- prefix`,
      objects: [...e.objects],
      evidence: e.evidence,
      lesson: LESSONS.reservedPriorityClass,
    });
  }
  return out;
};
