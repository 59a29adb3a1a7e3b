// Findings are about the cluster now, not its past: an OOM kill before the node rebooted, a
// rejection before the object reconciled fine, or a restart hours ago is history. These
// helpers say when an event or a container termination is still current.
import type { KubeObject } from '../adapters/ports.js';
import { conditionOf, type ContainerStatus, type EventLike } from './objects.js';

/** How long a one-off signal (a leader change, a restart) counts as current. */
export const RECENT_MS = 15 * 60_000;

const parse = (t: string | undefined) => (t ? Date.parse(t) : NaN);

export function lastSeenMs(ev: EventLike & { firstTimestamp?: string; metadata?: { creationTimestamp?: string }; series?: { lastObservedTime?: string } }): number {
  const t = [ev.series?.lastObservedTime, ev.lastTimestamp, ev.eventTime, ev.firstTimestamp, ev.metadata?.creationTimestamp].map(parse).find((x) => !Number.isNaN(x));
  return t ?? 0;
}

/** The node's last reboot as its kubelet reported it (a `Rebooted` event: the boot id changed). */
export function nodeRestartedAt(node: string, events: readonly EventLike[]): number {
  return events
    .filter((e) => e.involvedObject?.kind === 'Node' && e.involvedObject.name === node && e.reason === 'Rebooted')
    .reduce((latest, e) => Math.max(latest, lastSeenMs(e)), 0);
}

/** True when the object an event is about has been Ready since the event (a Flux object that reconciled). */
export function recoveredSince(ev: EventLike, objects: readonly KubeObject[]): boolean {
  const inv = ev.involvedObject;
  const obj = objects.find((o) => o.kind === inv?.kind && o.metadata.name === inv?.name && (o.metadata.namespace ?? '') === (inv?.namespace ?? ''));
  const ready = obj ? conditionOf(obj, 'Ready') : undefined;
  return ready?.status === 'True' && parse(ready.lastTransitionTime) > lastSeenMs(ev);
}

/**
 * A container is down now, or its last termination was recent and its own doing: `Unknown`
 * (exit 255) is what a node reboot leaves, `Completed` a clean exit. No time given: assume recent.
 */
export function terminatedRecently(s: ContainerStatus, now: number): boolean {
  if (s.state?.terminated || s.state?.waiting?.reason === 'CrashLoopBackOff') return true;
  const last = s.lastState?.terminated;
  if (!last) return true; // a count without a last state: nothing says it is old
  if (last.reason === 'Unknown' || last.reason === 'Completed') return false;
  const at = parse(last.finishedAt);
  return Number.isNaN(at) || now - at <= RECENT_MS;
}
