// Flux objects the incident involves, and how `flux reconcile` asks for a reconciliation:
// annotate `reconcile.fluxcd.io/requestedAt` with a fresh token (plus `forceAt`/`resetAt` with
// the same token for a HelmRelease stuck after RetriesExceeded, helm-controller >= 0.37), then
// wait until `status.lastHandledReconcileAt` equals the token and Ready is True.
import { z } from '../../src/zod.js';
import type { KubeObject, KubeRef } from '../../src/adapters/ports.js';
import { condition } from '../../src/kube-facts.js';
import { kube } from '../k8s/permissions.js';

export const FLUX_KINDS = {
  HelmRelease: { apiVersion: 'helm.toolkit.fluxcd.io/v2', group: 'helm.toolkit.fluxcd.io', resource: 'helmreleases' },
  Kustomization: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', group: 'kustomize.toolkit.fluxcd.io', resource: 'kustomizations' },
} as const;

export const fluxKind = z.enum(['HelmRelease', 'Kustomization']);
type FluxKind = z.infer<typeof fluxKind>;

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
export const FORCE_AT = 'reconcile.fluxcd.io/forceAt';
export const RESET_AT = 'reconcile.fluxcd.io/resetAt';

export function fluxRef(kind: FluxKind, namespace: string, name: string): KubeRef {
  return { apiVersion: FLUX_KINDS[kind].apiVersion, kind, namespace, name };
}

export function fluxPermission(kind: FluxKind, verbs: readonly string[]) {
  return kube(FLUX_KINDS[kind].resource, verbs, FLUX_KINDS[kind].group);
}

export function isReady(obj: KubeObject | undefined): boolean {
  return condition(obj, 'Ready')?.status === 'True';
}

export function readyMessage(obj: KubeObject | undefined): string {
  const c = condition(obj, 'Ready');
  return c ? `${c.status}${c.reason ? ` (${c.reason})` : ''}${(c as { message?: string }).message ? `: ${(c as { message?: string }).message}` : ''}` : 'no Ready condition yet';
}

export function handled(obj: KubeObject | undefined, token: string): boolean {
  return (obj?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === token;
}

export function isSuspended(obj: KubeObject | undefined): boolean {
  return Boolean((obj?.spec as { suspend?: boolean } | undefined)?.suspend);
}
