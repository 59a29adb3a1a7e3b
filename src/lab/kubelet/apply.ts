// Controllers write only when something changes: every write is a watch event, and an
// unconditional write would wake the controllers again forever.
import { isDeepStrictEqual } from 'node:util';
import type { ControllerStore, KubeObject } from './types.js';

/** Runs fn on a copy; writes it through store.mutate only when the result differs. Returns whether it wrote. */
export function mutateIfChanged(store: ControllerStore, obj: KubeObject, fn: (o: KubeObject) => void): boolean {
  const copy = structuredClone(obj);
  fn(copy);
  if (isDeepStrictEqual(copy, obj)) return false;
  store.mutate(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, fn);
  return true;
}

/**
 * For a write known to change the object (a heartbeat that is due): no copy-and-compare first;
 * the store still drops a write that changes nothing. Returns whether it wrote.
 */
export function mutateDue(store: ControllerStore, obj: KubeObject, fn: (o: KubeObject) => void): boolean {
  return store.mutate(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, fn).metadata.resourceVersion !== obj.metadata.resourceVersion;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  lastProbeTime?: string | null;
}

/** Sets a condition, keeping lastTransitionTime unless the status flips (as the API conventions ask). */
export function setCondition(conditions: Condition[], next: Condition, nowIso: string): Condition[] {
  const i = conditions.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? conditions[i] : undefined;
  const merged: Condition = {
    ...prev,
    ...next,
    lastTransitionTime: prev && prev.status === next.status && prev.lastTransitionTime ? prev.lastTransitionTime : nowIso,
  };
  const out = [...conditions];
  if (i >= 0) out[i] = merged;
  else out.push(merged);
  return out;
}
