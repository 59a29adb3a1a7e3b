// The lab's kustomize-controller (fluxcd/kustomize-controller, internal/controller/
// kustomization_controller.go) for what the incident shows: the dependency gate and the health
// checks. There is no Git in the lab: "applying" a revision is a no-op, the revision is the
// GitRepository's artifact (or a fixed lab revision) and the applied objects are the seeded
// status.inventory (plus spec.healthChecks).
// - dependsOn: every dependency must exist, have observedGeneration == generation, Ready=True
//   and (same source) lastAppliedRevision == the source revision; otherwise Ready=False
//   DependencyNotReady "dependency 'ns/name' is not ready", retried after the dependency
//   requeue interval (--requeue-dependency, 30s in Flux; DEPENDENCY_RETRY_MS in the lab);
// - health checks (kstatus through fluxcd/pkg/ssa WaitForSetWithContext): a Stalled object is
//   'Failed' (fails early), a not yet Ready one 'InProgress' (times out);
// - success: Ready=True ReconciliationSucceeded "Applied revision: <rev>", observedGeneration
//   and lastAppliedRevision; failures retry after the lab's retry interval;
// - a new requestedAt token reconciles at once and is copied to lastHandledReconcileAt.
import { isDeepStrictEqual } from 'node:util';
import { emitEvent } from '../kubelet/events.js';
import { rfc3339 } from '../kubelet/time.js';
import type { ControllerContext, EventInput, KubeObject } from '../kubelet/types.js';
import { deleteCondition, generationOf, getCondition, goDuration, isTrue, parseGoDuration, pendingRequest, REQUESTED_AT, setCondition, type FluxStatus } from './flux-status.js';
import { requeueAfter, scheduled } from './requeue.js';

const KUSTOMIZATION = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
/** Lab's dependency requeue and failure retry interval (controller time). */
export const DEPENDENCY_RETRY_MS = 2000;
/** The revision when the lab has no GitRepository artifact for the source. */
export const LAB_REVISION = 'main@sha1:4e2a9c1b7d3f08a5c6e1b9d2f7a3c4e5b6d8f0a1';
/** ssa.WaitOptions Interval: a Failed status is seen at the first poll. */
const HEALTH_POLL_MS = 5000;
const COMPONENT = 'kustomize-controller';

interface Ref {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

interface KustomizationSpec {
  interval?: string;
  timeout?: string;
  retryInterval?: string;
  suspend?: boolean;
  wait?: boolean;
  dependsOn?: { name: string; namespace?: string }[];
  sourceRef?: { kind?: string; name?: string; namespace?: string };
  healthChecks?: Ref[];
}

interface KustomizationStatus extends FluxStatus {
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  inventory?: { entries?: { id: string; v: string }[] };
}

function specOf(ks: KubeObject): KustomizationSpec {
  return (ks.spec ?? {}) as KustomizationSpec;
}

function intervalMs(ks: KubeObject): number {
  return parseGoDuration(specOf(ks).interval) ?? 10 * 60_000;
}

/** Kustomization.GetTimeout: spec.timeout, else interval - 30s, at least 30s. */
function timeoutMs(ks: KubeObject): number {
  const t = parseGoDuration(specOf(ks).timeout) ?? intervalMs(ks) - 30_000;
  return Math.max(30_000, t);
}

function sourceKey(ks: KubeObject): string {
  const s = specOf(ks).sourceRef ?? {};
  return `${s.kind ?? 'GitRepository'}/${s.namespace ?? ks.metadata.namespace}/${s.name ?? ''}`;
}

function sourceRevision(ctx: ControllerContext, ks: KubeObject): string {
  const s = specOf(ks).sourceRef ?? {};
  if ((s.kind ?? 'GitRepository') !== 'GitRepository' || !s.name) return LAB_REVISION;
  const repo = ctx.store.get('source.toolkit.fluxcd.io/v1', 'GitRepository', s.name, s.namespace ?? ks.metadata.namespace);
  const rev = (repo?.status as { artifact?: { revision?: string } } | undefined)?.artifact?.revision;
  return rev ?? LAB_REVISION;
}

/** checkDependencies: the first reason a dependency blocks, as the controller words it. */
function dependencyError(ctx: ControllerContext, ks: KubeObject, revision: string): string | undefined {
  for (const d of specOf(ks).dependsOn ?? []) {
    const namespace = d.namespace ?? ks.metadata.namespace;
    const name = `${namespace}/${d.name}`;
    const dep = ctx.store.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, d.name, namespace);
    if (!dep) return `dependency '${name}' not found: kustomizations.kustomize.toolkit.fluxcd.io "${d.name}" not found`;
    const st = (dep.status ?? {}) as KustomizationStatus;
    if (!(st.conditions ?? []).length || generationOf(dep) !== st.observedGeneration || !isTrue(dep, 'Ready')) return `dependency '${name}' is not ready`;
    if (sourceKey(dep) === sourceKey(ks) && st.lastAppliedRevision !== undefined && st.lastAppliedRevision !== revision) return `dependency '${name}' revision is not up to date`;
  }
  return undefined;
}

/** What the health check waits for: the inventory (spec.wait) and spec.healthChecks. */
function healthRefs(ks: KubeObject): Ref[] {
  const spec = specOf(ks);
  const refs: Ref[] = [...(spec.healthChecks ?? [])];
  if (spec.wait) {
    // Inventory ids are cli-utils ObjMetadata strings: namespace_name_group_kind.
    for (const e of ((ks.status ?? {}) as KustomizationStatus).inventory?.entries ?? []) {
      const [namespace, name, group, kind] = e.id.split('_');
      if (!name || !kind) continue;
      refs.push({ apiVersion: group ? `${group}/${e.v}` : e.v, kind, name, ...(namespace ? { namespace } : {}) });
    }
  }
  return refs;
}

type KStatus = 'Current' | 'InProgress' | 'Failed' | 'NotFound';

/** kstatus for the Flux kinds the lab checks; other kinds count as Current. */
function healthOf(ctx: ControllerContext, ref: Ref): KStatus {
  if (!ref.apiVersion?.includes('.toolkit.fluxcd.io/')) return 'Current';
  const obj = ctx.store.get(ref.apiVersion, ref.kind, ref.name, ref.namespace);
  if (!obj) return 'NotFound';
  if (isTrue(obj, 'Stalled')) return 'Failed';
  const st = (obj.status ?? {}) as FluxStatus;
  if (st.observedGeneration !== generationOf(obj) || isTrue(obj, 'Reconciling') || !isTrue(obj, 'Ready')) return 'InProgress';
  return 'Current';
}

/** utils.FmtObjMetadata: Kind/namespace/name. */
function fmtRef(r: Ref): string {
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
}

interface Outcome {
  requeueMs: number;
  events: EventInput[];
}

function reconcile(ctx: ControllerContext, ks: KubeObject, status: KustomizationStatus): Outcome {
  const gen = generationOf(ks);
  const nowIso = rfc3339(ctx.now());
  const set = (type: string, s: 'True' | 'False' | 'Unknown', reason: string, message: string) => setCondition(status, { type, status: s, reason, message }, gen, nowIso);
  const retryMs = parseGoDuration(specOf(ks).retryInterval) ?? DEPENDENCY_RETRY_MS;
  const wasReady = isTrue(status, 'Ready');
  const before = getCondition(status, 'Ready')?.message;
  const revision = sourceRevision(ctx, ks);
  const depErr = dependencyError(ctx, ks, revision);
  if (depErr) {
    set('Ready', 'False', 'DependencyNotReady', depErr);
    const events: EventInput[] = before === depErr ? [] : [{ type: 'Normal', reason: 'DependencyNotReady', message: `Dependencies do not meet ready condition, retrying in ${goDuration(DEPENDENCY_RETRY_MS)}`, component: COMPONENT }];
    return { requeueMs: DEPENDENCY_RETRY_MS, events };
  }
  status.lastAttemptedRevision = revision;
  const refs = healthRefs(ks);
  if (refs.length) {
    const timeout = timeoutMs(ks);
    const checked = refs.map((r) => ({ r, s: healthOf(ctx, r) }));
    const failed = checked.filter((c) => c.s === 'Failed');
    const waiting = checked.filter((c) => c.s !== 'Current');
    const list = (cs: typeof checked) => `[${cs.map((c) => `${fmtRef(c.r)} status: '${c.s}'`).join(', ')}]`;
    const err = failed.length ? `failed early due to stalled resources: ${list(failed)}` : waiting.length ? `timeout waiting for: ${list(waiting)}` : undefined;
    if (err) {
      const message = `health check failed after ${goDuration(failed.length ? HEALTH_POLL_MS : timeout)}: ${err}`;
      set('Reconciling', 'True', 'ProgressingWithRetry', `Running health checks for revision ${revision} with a timeout of ${goDuration(timeout)}`);
      set('Healthy', 'False', 'HealthCheckFailed', err);
      set('Ready', 'False', 'HealthCheckFailed', message);
      return { requeueMs: retryMs, events: before === message ? [] : [{ type: 'Warning', reason: 'HealthCheckFailed', message, component: COMPONENT }] };
    }
    set('Healthy', 'True', 'Succeeded', `Health check passed in ${goDuration(0)}`);
  }
  status.lastAppliedRevision = revision;
  deleteCondition(status, 'Reconciling');
  set('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${revision}`);
  status.observedGeneration = gen;
  const events: EventInput[] = wasReady ? [] : [{ type: 'Normal', reason: 'ReconciliationSucceeded', message: `Reconciliation finished in ${goDuration(0)}, next run in ${goDuration(intervalMs(ks))}`, component: COMPONENT }];
  return { requeueMs: intervalMs(ks), events };
}

export function syncKustomizations(ctx: ControllerContext): boolean {
  let changed = false;
  for (const ks of ctx.store.list(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind)) {
    if (specOf(ks).suspend || ks.metadata.deletionTimestamp) continue;
    const key = `ks/${ks.metadata.namespace}/${ks.metadata.name}`;
    const gen = generationOf(ks);
    const status = structuredClone((ks.status ?? {}) as KustomizationStatus);
    const entry = scheduled(ctx, key);
    const requested = pendingRequest(ks) !== undefined;
    if (!entry && !requested && status.observedGeneration === gen) {
      // First sight of a settled object (a lab just started): wait for its next turn.
      requeueAfter(ctx, key, gen, isTrue(status, 'Ready') ? intervalMs(ks) : DEPENDENCY_RETRY_MS);
      continue;
    }
    if (entry && !requested && entry.generation === gen && ctx.now() < entry.at) continue;
    const out = reconcile(ctx, ks, status);
    const token = ks.metadata.annotations?.[REQUESTED_AT];
    if (token !== undefined) status.lastHandledReconcileAt = token;
    requeueAfter(ctx, key, gen, out.requeueMs);
    if (!isDeepStrictEqual(status, ks.status ?? {})) {
      ctx.store.mutate(ks.apiVersion, ks.kind, ks.metadata.name, ks.metadata.namespace, (o) => {
        o.status = status;
      });
      changed = true;
    }
    const current = ctx.store.get(ks.apiVersion, ks.kind, ks.metadata.name, ks.metadata.namespace) ?? ks;
    for (const e of out.events) emitEvent(ctx, current, e);
  }
  return changed;
}
