// The lab's helm-controller (fluxcd/helm-controller v2, internal/controller and
// internal/reconcile/atomic_release.go), reduced to what runbooks meet:
// - a reconcile runs on a spec change (generation), on a new `requestedAt` token, and while
//   a failed release is being retried;
// - failure counters reset when generation, chart version or values changed since the last
//   attempt, or on a handled `resetAt` (internal/action/reset.go MustResetFailures);
// - release state from the history: none (install), last release failed, deployed with other
//   values or chart (out of sync), in sync;
// - out of remediation retries, the release stays failed (Stalled=True RetriesExceeded, a
//   terminal error: no requeue) until `resetAt` or `forceAt` (equal to requestedAt) is handled;
// - a failed upgrade counts failures, is rolled back when retries remain (or remediateLastFailure)
//   and retried at once (ErrMustRequeue);
// - Ready summarizes Remediated/Released (release.go summarize); Ready=True drops Stalled.
// Whether an upgrade succeeds comes from helm-apply.ts (the lab's chart, apiserver and wait).
import { isDeepStrictEqual } from 'node:util';
import { emitEvent } from '../kubelet/events.js';
import { rfc3339 } from '../kubelet/time.js';
import type { ControllerContext, EventInput, KubeObject } from '../kubelet/types.js';
import { FORCE_AT, RESET_AT, deleteCondition, generationOf, getCondition, handleAnnotationRequest, pendingRequest, setCondition, REQUESTED_AT } from './flux-status.js';
import { applyRendered, upgradeError } from './helm-apply.js';
import { chartOf, clearFailures, latest, MESSAGES, record, releaseName, releaseNamespace, remediation, specOf, type Action, type HelmReleaseStatus } from './helm-release.js';
import { renderChart, valuesDigest, type RenderedWorkload } from './helm-values.js';
import { requeueAfter, scheduled } from './requeue.js';

const HELM_RELEASE = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' } as const;
const COMPONENT = 'helm-controller';
/** Actions one reconcile may run before it yields (unlimited retries: retries < 0). */
const MAX_ACTIONS = 24;
/** Lab pace of a release still retrying after MAX_ACTIONS. */
const RETRY_MS = 2000;

type Next =
  | { kind: 'install' | 'upgrade' | 'rollback' }
  | { kind: 'none'; inSync: boolean }
  | { kind: 'stall'; reason: string; message: string };

interface Work {
  hr: KubeObject;
  status: HelmReleaseStatus;
  gen: number;
  nowIso: string;
  desired: string;
  events: EventInput[];
  rendered: RenderedWorkload[];
  rollout?: RenderedWorkload[];
}

function set(w: Work, type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string): void {
  setCondition(w.status, { type, status, reason, message }, w.gen, w.nowIso);
}

function markStalled(w: Work, reason: string, message: string): void {
  deleteCondition(w.status, 'Reconciling'); // conditions.MarkStalled
  set(w, 'Stalled', 'True', reason, message);
}

/** release.go summarize: Ready mirrors Remediated (as a failure) or Released, whichever is newer. */
function summarize(w: Work): void {
  const rem = getCondition(w.status, 'Remediated');
  const rel = getCondition(w.status, 'Released');
  const src = rem && (!rel || (rem.observedGeneration ?? 0) >= (rel.observedGeneration ?? 0)) ? rem : rel;
  if (!src) return;
  const status = src === rem ? 'False' : src.status;
  if (status === 'True') deleteCondition(w.status, 'Stalled');
  set(w, 'Ready', status, src.reason, src.message);
}

/** atomic_release.go actionForState. */
function nextAction(w: Work, force: boolean): Next {
  const chart = chartOf(w.hr);
  const cur = latest(w.status.history);
  if (!cur || cur.status === 'uninstalled') {
    const rem = remediation(w.hr, w.status, 'install')!;
    if (rem.retriesExhausted && !force) return { kind: 'stall', reason: 'RetriesExceeded', message: MESSAGES.stalled('install', rem.failures) };
    return { kind: 'install' };
  }
  if (cur.status === 'failed') {
    const rem = remediation(w.hr, w.status);
    if (!rem || rem.failures <= 0 || force) return { kind: 'upgrade' };
    if (rem.retriesExhausted && !rem.mustRemediateLastFailure) return { kind: 'stall', reason: 'RetriesExceeded', message: MESSAGES.stalled(rem.action, rem.failures) };
    return { kind: 'rollback' };
  }
  if (cur.configDigest !== w.desired || cur.chartVersion !== chart.version) {
    if (remediation(w.hr, w.status, 'upgrade')!.retriesExhausted && !force) {
      return { kind: 'stall', reason: 'RetriesExceeded', message: MESSAGES.stalled(w.status.lastAttemptedReleaseAction ?? 'upgrade', remediation(w.hr, w.status)?.failures ?? 0) };
    }
    return { kind: 'upgrade' };
  }
  return force ? { kind: 'upgrade' } : { kind: 'none', inSync: true };
}

/** The InSync branch: a release that is in sync reports Released/Ready True. */
function markInSync(w: Work): void {
  const cur = latest(w.status.history);
  if (!cur) return;
  if (getCondition(w.status, 'Remediated')?.status === 'True') {
    deleteCondition(w.status, 'Remediated');
    set(w, 'Released', 'True', 'UpgradeSucceeded', MESSAGES.upgradeSuccess(cur));
  }
  const released = getCondition(w.status, 'Released');
  if (getCondition(w.status, 'Ready')?.status !== 'True' || released?.status !== 'True') {
    if (released?.reason === 'InstallFailed') set(w, 'Released', 'True', 'InstallSucceeded', MESSAGES.installSuccess(cur));
    else if (released?.reason === 'UpgradeFailed') set(w, 'Released', 'True', 'UpgradeSucceeded', MESSAGES.upgradeSuccess(cur));
  }
}

function runRelease(ctx: ControllerContext, w: Work, action: Action): void {
  const chart = chartOf(w.hr);
  const name = releaseName(w.hr);
  const namespace = releaseNamespace(w.hr);
  w.status.lastAttemptedReleaseAction = action;
  deleteCondition(w.status, 'TestSuccess');
  deleteCondition(w.status, 'Remediated');
  const prev = latest(w.status.history);
  const version = (prev?.version ?? 0) + 1;
  const base = { name, namespace, version, action, chartName: chart.name, chartVersion: chart.version, configDigest: w.desired, firstDeployed: prev?.firstDeployed ?? w.nowIso, lastDeployed: w.nowIso };
  const err = upgradeError(ctx, w.rendered);
  if (err === undefined) {
    w.status.history = (w.status.history ?? []).map((s) => (s.status === 'deployed' ? { ...s, status: 'superseded' as const } : s));
    const snap = record(w.status, { ...base, status: 'deployed' });
    const message = action === 'install' ? MESSAGES.installSuccess(snap) : MESSAGES.upgradeSuccess(snap);
    set(w, 'Released', 'True', action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded', message);
    w.events.push({ type: 'Normal', reason: action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded', message, component: COMPONENT });
    w.rollout = w.rendered;
  } else {
    record(w.status, { ...base, status: 'failed' });
    const message = (action === 'install' ? MESSAGES.installFailure : MESSAGES.upgradeFailure)(namespace, name, chart.name, chart.version, err);
    w.status.failures = (w.status.failures ?? 0) + 1;
    if (action === 'install') w.status.installFailures = (w.status.installFailures ?? 0) + 1;
    else w.status.upgradeFailures = (w.status.upgradeFailures ?? 0) + 1;
    set(w, 'Released', 'False', action === 'install' ? 'InstallFailed' : 'UpgradeFailed', message);
    w.events.push({ type: 'Warning', reason: action === 'install' ? 'InstallFailed' : 'UpgradeFailed', message, component: COMPONENT });
  }
  summarize(w);
}

/** rollback_remediation.go: back to the previous deployed release, as a new release version. */
function runRollback(w: Work): boolean {
  const sorted = [...(w.status.history ?? [])].sort((a, b) => b.version - a.version);
  const [cur, ...older] = sorted;
  const target = older.find((s) => s.status === 'deployed' || s.status === 'superseded');
  if (!cur || !target) {
    markStalled(w, 'MissingRollbackTarget', 'Failed to perform remediation: missing target release for rollback: cannot remediate failed release');
    return false;
  }
  w.status.history = sorted.map((s) => (s.version === cur.version ? { ...s, status: 'superseded' as const } : s));
  const { digest: _d, apiVersion: _a, action: _act, ...rest } = target;
  record(w.status, { ...rest, version: cur.version + 1, status: 'deployed', lastDeployed: w.nowIso });
  const message = MESSAGES.rollbackSuccess(target);
  set(w, 'Remediated', 'True', 'RollbackSucceeded', message);
  w.events.push({ type: 'Normal', reason: 'RollbackSucceeded', message, component: COMPONENT });
  summarize(w);
  return true;
}

/** One reconcile of a HelmRelease; returns whether it is still retrying. */
function reconcile(ctx: ControllerContext, w: Work): 'done' | 'retry' {
  const chart = chartOf(w.hr);
  const resetRequested = handleAnnotationRequest(w.hr, w.status, RESET_AT, 'lastHandledResetAt');
  const s = w.status;
  const changed = (s.lastAttemptedGeneration !== undefined && s.lastAttemptedGeneration !== w.gen) || (s.lastAttemptedRevision !== undefined && s.lastAttemptedRevision !== chart.version) || (s.lastAttemptedConfigDigest !== undefined && s.lastAttemptedConfigDigest !== w.desired);
  if (changed || resetRequested) clearFailures(s);
  const source = specOf(w.hr).chart?.spec?.sourceRef;
  Object.assign(s, { lastAttemptedGeneration: w.gen, lastAttemptedRevision: chart.version, lastAttemptedConfigDigest: w.desired, storageNamespace: releaseNamespace(w.hr), helmChart: `${source?.namespace ?? w.hr.metadata.namespace}/${w.hr.metadata.namespace}-${w.hr.metadata.name}` });
  // ShouldHandleForceRequest is asked once per reconcile (it records lastHandledForceAt).
  let force = handleAnnotationRequest(w.hr, s, FORCE_AT, 'lastHandledForceAt');
  let previous: ('release' | 'remediate')[] = [];
  for (let i = 0; i < MAX_ACTIONS; i++) {
    const next = nextAction(w, force);
    force = false;
    if (next.kind === 'stall') {
      markStalled(w, next.reason, next.message);
      return 'done';
    }
    if (next.kind === 'none') {
      if (next.inSync) markInSync(w);
      deleteCondition(s, 'Reconciling');
      summarize(w);
      return 'done';
    }
    const type = next.kind === 'rollback' ? 'remediate' : 'release';
    if (previous.includes('remediate') || previous.includes(type)) {
      // MustContinue says stop: requeue (the lab retries at once) unless out of retries.
      if (!remediation(w.hr, s)?.retriesExhausted) {
        set(w, 'Reconciling', 'True', 'ProgressingWithRetry', getCondition(s, 'Ready')?.message ?? '');
        previous = [];
        continue;
      }
      deleteCondition(s, 'Reconciling');
      return 'done';
    }
    if (next.kind === 'rollback') {
      if (!runRollback(w)) return 'done';
      const rem = remediation(w.hr, s);
      if (rem && rem.retriesExhausted) {
        markStalled(w, 'RetriesExceeded', MESSAGES.stalled(rem.action, rem.failures));
        return 'done';
      }
      set(w, 'Reconciling', 'True', 'ProgressingWithRetry', getCondition(s, 'Ready')?.message ?? '');
      previous = [];
      continue;
    }
    runRelease(ctx, w, next.kind);
    previous.push('release');
  }
  return 'retry';
}

export function syncHelmReleases(ctx: ControllerContext): boolean {
  let changed = false;
  for (const hr of ctx.store.list(HELM_RELEASE.apiVersion, HELM_RELEASE.kind)) {
    if (specOf(hr).suspend || hr.metadata.deletionTimestamp) continue;
    const key = `${hr.metadata.namespace}/${hr.metadata.name}`;
    const gen = generationOf(hr);
    const status = structuredClone((hr.status ?? {}) as HelmReleaseStatus);
    const retry = scheduled(ctx, `hr/${key}`);
    const retrying = getCondition(status, 'Reconciling')?.reason === 'ProgressingWithRetry' && (!retry || ctx.now() >= retry.at);
    if (pendingRequest(hr) === undefined && status.observedGeneration === gen && !retrying) continue;
    const values = specOf(hr).values ?? {};
    const w: Work = { hr, status, gen, nowIso: rfc3339(ctx.now()), desired: valuesDigest(values), events: [], rendered: renderChart(chartOf(hr).name, chartOf(hr).version, values, releaseNamespace(hr)) };
    const outcome = reconcile(ctx, w);
    const token = hr.metadata.annotations?.[REQUESTED_AT];
    if (token !== undefined) status.lastHandledReconcileAt = token;
    if (outcome === 'done') status.observedGeneration = gen;
    else requeueAfter(ctx, `hr/${key}`, gen, RETRY_MS);
    if (w.rollout) applyRendered(ctx, w.rollout);
    if (!isDeepStrictEqual(status, hr.status ?? {})) {
      ctx.store.mutate(hr.apiVersion, hr.kind, hr.metadata.name, hr.metadata.namespace, (o) => {
        o.status = status;
      });
      changed = true;
    }
    changed = changed || Boolean(w.rollout);
    const current = ctx.store.get(hr.apiVersion, hr.kind, hr.metadata.name, hr.metadata.namespace) ?? hr;
    for (const e of w.events) emitEvent(ctx, current, e);
  }
  return changed;
}
