// The incident's MetalLB situation on a real apiserver (Flux CRDs installed by
// bootstrapLikeLab, no Flux running): the HelmRelease failed for good on an etcd leader change
// (RetriesExceeded) with a reserved `system-` PriorityClass in its values, and the
// Kustomization deploying it plus one depending on it are not Ready.
import type { Admin } from './admin.js';

const HR = '/apis/helm.toolkit.fluxcd.io/v2';
const KS = '/apis/kustomize.toolkit.fluxcd.io/v1';
const merge = 'application/merge-patch+json';
const notReady = (reason: string, message: string) => ({ conditions: [{ type: 'Ready', status: 'False', reason, message, lastTransitionTime: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z') }] });

export const helmReleasePath = (namespace: string) => `${HR}/namespaces/${namespace}/helmreleases/metallb`;
export const kustomizationPath = (namespace: string, name: string) => `${KS}/namespaces/${namespace}/kustomizations/${name}`;

/** HelmRelease `<namespace>/metallb`; Kustomizations `<fluxNamespace>/infra-controllers` and `apps` (depends on it). */
export async function seedStuckMetallb(admin: Admin, namespace: string, fluxNamespace: string): Promise<void> {
  const { must } = admin;
  for (const ns of [namespace, fluxNamespace]) await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await must('POST', `${HR}/namespaces/${namespace}/helmreleases`, {
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'metallb', namespace },
    spec: { interval: '30m', chart: { spec: { chart: 'metallb', version: '0.14.8', sourceRef: { kind: 'HelmRepository', name: 'metallb', namespace: fluxNamespace } } }, values: { speaker: { priorityClassName: 'system-infrastructure' } } },
  });
  await must('PATCH', `${helmReleasePath(namespace)}/status`, { status: notReady('RetriesExceeded', 'Helm upgrade failed: etcdserver: leader changed; upgrade retries exhausted') }, merge);
  for (const [name, dependsOn, reason] of [['infra-controllers', [], 'HealthCheckFailed'], ['apps', [{ name: 'infra-controllers' }], 'DependencyNotReady']] as const) {
    await must('POST', `${KS}/namespaces/${fluxNamespace}/kustomizations`, {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: fluxNamespace },
      spec: { interval: '10m', path: `./kubernetes/${name}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, dependsOn },
    });
    const message = reason === 'DependencyNotReady' ? `dependency '${fluxNamespace}/infra-controllers' is not ready` : `health check failed: HelmRelease/${namespace}/metallb: RetriesExceeded`;
    await must('PATCH', `${kustomizationPath(fluxNamespace, name)}/status`, { status: notReady(reason, message) }, merge);
  }
}
