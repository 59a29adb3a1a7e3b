// flux.helmrelease: HelmReleases not Ready. Stalled or failed (RetriesExceeded, *Failed) is
// critical: helm-controller gave up and only a forced reset gets it going; still progressing
// is a warning; suspended is information.
import { helmReleaseRefs, isReady, isSuspended, readyText } from '../flux-facts.js';
import { LESSONS, RUNBOOKS } from '../lessons.js';
import { conditionOf, nsName, objectName } from '../objects.js';
import type { Check, Finding } from '../types.js';

export const helmReleases: Check = ({ snap }) => {
  const out: Finding[] = [];
  for (const hr of snap.helmReleases) {
    if (isReady(hr)) continue;
    const ready = conditionOf(hr, 'Ready');
    const stalled = conditionOf(hr, 'Stalled');
    const failed = stalled?.status === 'True' || /Failed|RetriesExceeded/.test(ready?.reason ?? '');
    const suspended = isSuspended(hr);
    const key = nsName(hr);
    // The Kustomization that deploys it: the one whose health check names it.
    const owner = snap.kustomizations.find((k) => helmReleaseRefs(conditionOf(k, 'Ready')?.message).includes(key));
    const failures = (hr.status as { failures?: number; upgradeFailures?: number; installFailures?: number } | undefined) ?? {};
    out.push({
      id: `helmrelease:${key}`,
      check: 'flux.helmrelease',
      severity: suspended ? 'info' : failed ? 'critical' : 'warning',
      title: `HelmRelease ${key} ${suspended ? 'suspended' : failed ? `failed (${ready?.reason ?? stalled?.reason ?? 'not Ready'})` : 'not Ready'}`,
      objects: [objectName(hr), ...(owner ? [objectName(owner)] : [])],
      evidence: [
        readyText(hr),
        ...(stalled?.status === 'True' ? [`Stalled=True ${stalled.reason ?? ''}: ${stalled.message ?? ''}`.trim()] : []),
        ...(failures.failures ? [`failures ${failures.failures}${failures.upgradeFailures ? `, upgrade failures ${failures.upgradeFailures}` : ''}${failures.installFailures ? `, install failures ${failures.installFailures}` : ''}`] : []),
      ],
      lesson: LESSONS.helmRelease,
      ...(suspended
        ? {}
        : {
            fix: {
              runbook: RUNBOOKS.unstickMetallb,
              params: { namespace: hr.metadata.namespace, release: hr.metadata.name, ...(owner ? { 'flux-namespace': owner.metadata.namespace, root: owner.metadata.name } : {}) },
            },
          }),
    });
  }
  return out;
};
