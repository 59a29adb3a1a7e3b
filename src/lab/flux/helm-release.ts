// The HelmRelease status model of helm-controller v2 (api/v2/helmrelease_types.go,
// snapshot_types.go): Helm's release storage as the controller sees it (status.history
// snapshots, newest first, at most 5), failure counters, remediation settings and the
// messages of internal/reconcile (upgrade.go, install.go, rollback_remediation.go).
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kubelet/types.js';
import type { FluxStatus } from './flux-status.js';

export interface Snapshot {
  apiVersion?: string;
  digest: string;
  name: string;
  namespace: string;
  version: number;
  status: 'deployed' | 'superseded' | 'failed' | 'uninstalled' | 'pending-upgrade';
  action?: 'install' | 'upgrade';
  chartName: string;
  chartVersion: string;
  configDigest: string;
  firstDeployed: string;
  lastDeployed: string;
}

export interface HelmReleaseStatus extends FluxStatus {
  history?: Snapshot[];
  failures?: number;
  installFailures?: number;
  upgradeFailures?: number;
  lastAttemptedGeneration?: number;
  lastAttemptedRevision?: string;
  lastAttemptedConfigDigest?: string;
  lastAttemptedReleaseAction?: 'install' | 'upgrade';
  lastHandledForceAt?: string;
  lastHandledResetAt?: string;
  storageNamespace?: string;
  helmChart?: string;
}

interface HelmReleaseSpec {
  chart?: { spec?: { chart?: string; version?: string; sourceRef?: { kind?: string; name?: string; namespace?: string } } };
  releaseName?: string;
  targetNamespace?: string;
  values?: Record<string, unknown>;
  suspend?: boolean;
  timeout?: string;
  install?: { remediation?: { retries?: number; remediateLastFailure?: boolean } };
  upgrade?: { remediation?: { retries?: number; remediateLastFailure?: boolean } };
}

const MAX_HISTORY = 5; // defaultMaxHistory

export function specOf(hr: KubeObject): HelmReleaseSpec {
  return (hr.spec ?? {}) as HelmReleaseSpec;
}

export function releaseName(hr: KubeObject): string {
  const spec = specOf(hr);
  return spec.releaseName ?? (spec.targetNamespace ? `${spec.targetNamespace}-${hr.metadata.name}` : hr.metadata.name);
}

export function releaseNamespace(hr: KubeObject): string {
  return specOf(hr).targetNamespace ?? hr.metadata.namespace ?? 'default';
}

export function chartOf(hr: KubeObject): { name: string; version: string } {
  const c = specOf(hr).chart?.spec;
  return { name: c?.chart ?? hr.metadata.name, version: c?.version ?? '*' };
}

export function latest(history: Snapshot[] | undefined): Snapshot | undefined {
  return [...(history ?? [])].sort((a, b) => b.version - a.version)[0];
}

/** Snapshot.FullReleaseName: `<namespace>/<name>.v<version>`. */
function fullReleaseName(s: Snapshot): string {
  return `${s.namespace}/${s.name}.v${s.version}`;
}

/** Snapshot.VersionedChartName: `<chart>@<version>`. */
function versionedChartName(s: Snapshot): string {
  return `${s.chartName}@${s.chartVersion}`;
}

/** Appends a snapshot, newest first, keeping MAX_HISTORY. */
export function record(status: HelmReleaseStatus, s: Omit<Snapshot, 'digest' | 'apiVersion'>): Snapshot {
  const snap: Snapshot = { apiVersion: 'v2', digest: `sha256:${createHash('sha256').update(JSON.stringify(s)).digest('hex')}`, ...s };
  status.history = [snap, ...(status.history ?? [])].sort((a, b) => b.version - a.version).slice(0, MAX_HISTORY);
  return snap;
}

export type Action = 'install' | 'upgrade';

/** The active remediation (by the last attempted release action) as GetActiveRemediation. */
export function remediation(hr: KubeObject, status: HelmReleaseStatus, action: Action | undefined = status.lastAttemptedReleaseAction) {
  if (!action) return undefined;
  // Retries default to 0 (api/v2: "Defaults to '0', a negative integer equals to unlimited retries").
  const r = specOf(hr)[action]?.remediation ?? {};
  const retries = r.retries ?? 0;
  const failures = (action === 'install' ? status.installFailures : status.upgradeFailures) ?? 0;
  return {
    action,
    failures,
    retriesExhausted: retries >= 0 && failures > retries,
    // RemediateLastFailure defaults to false unless Retries is greater than 0.
    mustRemediateLastFailure: r.remediateLastFailure ?? retries > 0,
  };
}

export function clearFailures(status: HelmReleaseStatus): void {
  status.failures = 0;
  status.installFailures = 0;
  status.upgradeFailures = 0;
}

export const MESSAGES = {
  upgradeFailure: (ns: string, name: string, chart: string, version: string, err: string) => `Helm upgrade failed for release ${ns}/${name} with chart ${chart}@${version}: ${err}`,
  upgradeSuccess: (s: Snapshot) => `Helm upgrade succeeded for release ${fullReleaseName(s)} with chart ${versionedChartName(s)}`,
  installFailure: (ns: string, name: string, chart: string, version: string, err: string) => `Helm install failed for release ${ns}/${name} with chart ${chart}@${version}: ${err}`,
  installSuccess: (s: Snapshot) => `Helm install succeeded for release ${fullReleaseName(s)} with chart ${versionedChartName(s)}`,
  rollbackSuccess: (s: Snapshot) => `Helm rollback to previous release ${fullReleaseName(s)} with chart ${versionedChartName(s)} succeeded`,
  stalled: (action: string, count: number) => `Failed to ${action} after ${count} attempt(s)`,
} as const;
