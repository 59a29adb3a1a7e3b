// k8s.assert-api-stable: the incident forced MetalLB's release "after etcd stabilized". Before
// touching Helm, the API must be ready and there must be no sign of etcd trouble (leader
// changes, slow applies, timeouts) in the recent Warning events: reconciling into an unstable
// etcd is how the release failed in the first place.
import { z } from '../../src/zod.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { formatDuration } from '../../src/runbook/duration.js';
import { duration } from '../schemas.js';
import { kube } from './permissions.js';

const ETCD_TROUBLE = /leader changed|etcdserver: (request timed out|too many requests)|apply request took too long|lost leader|leader election/i;

function lastSeen(e: KubeObject): number {
  const ev = e as KubeObject & { lastTimestamp?: string; eventTime?: string; firstTimestamp?: string; series?: { lastObservedTime?: string } };
  const t = ev.series?.lastObservedTime ?? ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? e.metadata.creationTimestamp;
  return t ? Date.parse(t) : 0;
}

export const k8sAssertApiStable = defineStep({
  type: 'k8s.assert-api-stable',
  description: 'Checks the API server is ready and no etcd instability (leader changes, timeouts) was reported within a window.',
  params: z.object({ window: duration.default(5 * 60_000) }).strict(),
  uses: ['kube'],
  destructive: false,
  permissions: [kube('events', ['list'])],
  async preflight({ params, adapters }) {
    const ready = await adapters.kube.ready();
    const since = Date.now() - params.window;
    const events = await adapters.kube.list({ apiVersion: 'v1', kind: 'Event', fieldSelector: 'type=Warning' });
    const recent = events.filter((e) => ETCD_TROUBLE.test(String((e as { message?: string }).message ?? '')) && lastSeen(e) >= since);
    return [
      { ok: ready, message: ready ? 'API server ready' : 'API server not ready (/readyz)', ...(ready ? {} : { hint: 'wait for the control plane first' }) },
      recent.length
        ? { ok: false, message: `etcd unstable: ${recent.length} report(s) in the last ${formatDuration(params.window)}, latest: ${String((recent.at(-1) as { message?: string }).message)}`, hint: 'wait until etcd settles (fix node memory first), then run again' }
        : { ok: true, message: `no etcd instability reported in the last ${formatDuration(params.window)}` },
    ];
  },
  async plan() {
    return [{ op: 'noop', target: 'apiserver', summary: 'checks only' }];
  },
  async apply() {
    return {};
  },
});
