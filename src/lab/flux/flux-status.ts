// Status conventions shared by the simulated Flux controllers, as fluxcd/pkg implements them:
// - conditions (runtime/conditions/setter.go): lastTransitionTime changes when status, reason
//   OR message change; observedGeneration is stamped on every Set; Stalled, Reconciling and
//   Ready sort first, then the others by type;
// - reconcile requests (apis/meta/annotations.go): `reconcile.fluxcd.io/requestedAt` is a token,
//   handled once it is copied to status.lastHandledReconcileAt; forceAt/resetAt count only when
//   they equal requestedAt and that request is new (HandleAnnotationRequest).
import type { KubeObject } from '../kubelet/types.js';

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
export const FORCE_AT = 'reconcile.fluxcd.io/forceAt';
export const RESET_AT = 'reconcile.fluxcd.io/resetAt';

interface FluxCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface FluxStatus {
  observedGeneration?: number;
  lastHandledReconcileAt?: string;
  conditions?: FluxCondition[];
  [k: string]: unknown;
}

const WEIGHTS: Record<string, number> = { Stalled: 0, Reconciling: 1, Ready: 2 };

function less(a: FluxCondition, b: FluxCondition): number {
  const wa = WEIGHTS[a.type];
  const wb = WEIGHTS[b.type];
  if (wa !== undefined && wb !== undefined) return wa - wb;
  if (wa !== undefined) return -1;
  if (wb !== undefined) return 1;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

/** conditions.Set: keeps lastTransitionTime while (status, reason, message) stay the same. */
export function setCondition(status: FluxStatus, next: Omit<FluxCondition, 'lastTransitionTime' | 'observedGeneration'>, generation: number, nowIso: string): void {
  const conds = [...(status.conditions ?? [])];
  const i = conds.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? conds[i] : undefined;
  const same = prev && prev.status === next.status && prev.reason === next.reason && prev.message === next.message;
  const cond: FluxCondition = { ...next, lastTransitionTime: same && prev.lastTransitionTime ? prev.lastTransitionTime : nowIso, observedGeneration: generation };
  if (i >= 0) conds[i] = cond;
  else conds.push(cond);
  status.conditions = conds.sort(less);
}

export function deleteCondition(status: FluxStatus, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function getCondition(obj: KubeObject | FluxStatus | undefined, type: string): FluxCondition | undefined {
  const status = obj && 'metadata' in obj ? (obj.status as FluxStatus | undefined) : (obj as FluxStatus | undefined);
  return (status?.conditions ?? []).find((c) => c.type === type);
}

export function isTrue(obj: KubeObject | FluxStatus | undefined, type: string): boolean {
  return getCondition(obj, type)?.status === 'True';
}

export function generationOf(obj: KubeObject): number {
  return Number(obj.metadata.generation ?? 1);
}

/** The requestedAt token when it has not been handled yet. */
export function pendingRequest(obj: KubeObject): string | undefined {
  const token = obj.metadata.annotations?.[REQUESTED_AT];
  const handled = (obj.status as FluxStatus | undefined)?.lastHandledReconcileAt;
  return token !== undefined && token !== handled ? token : undefined;
}

/**
 * meta.HandleAnnotationRequest: records the annotation's value in `status[field]` (so it is
 * handled once) and answers whether it asks for action now: it equals requestedAt, requestedAt
 * is new, and this value was not handled before. Call it before lastHandledReconcileAt is set.
 */
export function handleAnnotationRequest(obj: KubeObject, status: FluxStatus, annotation: string, field: string): boolean {
  const annotations = obj.metadata.annotations ?? {};
  const requestAt = annotations[annotation];
  const reconcileAt = annotations[REQUESTED_AT];
  if (requestAt === undefined) return false;
  const lastHandled = status[field];
  status[field] = requestAt;
  return reconcileAt !== undefined && requestAt === reconcileAt && status.lastHandledReconcileAt !== reconcileAt && lastHandled !== requestAt;
}

/** A Go time.Duration as String() prints it ("5s", "9m30s", "1m0.5s", "250ms"). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}

/** Flux durations in spec ("10m", "30s", "1h30m", "500ms"), in ms; undefined when absent or unparsable. */
export function parseGoDuration(s: unknown): number | undefined {
  if (typeof s !== 'string' || !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) return undefined;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, n, , u] of s.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(n) * (units[u!] ?? 0);
  return total;
}
