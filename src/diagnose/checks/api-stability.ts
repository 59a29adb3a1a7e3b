// api.unready / api.etcd-instability: the apiserver's /readyz, and etcd leader changes or
// timeouts surfacing in events and in Flux objects' conditions (the incident's
// "etcdserver: leader changed" that failed the MetalLB upgrade).
import { lastSeenMs, RECENT_MS } from '../recency.js';
import { LESSONS } from '../lessons.js';
import { conditionsOf, eventCount, eventOf, objectName } from '../objects.js';
import type { Check, Finding } from '../types.js';

export const ETCD_TROUBLE = /etcdserver: (leader changed|request timed out|no leader|too many requests)|leader changed|etcd cluster is unavailable/i;

export const apiStability: Check = ({ snap, opts }) => {
  const out: Finding[] = [];
  if (!snap.apiReady) {
    out.push({
      id: 'apiserver-unready',
      check: 'api.unready',
      severity: 'critical',
      title: 'The Kubernetes API server is not ready (/readyz)',
      objects: [],
      evidence: ['GET /readyz did not answer 200'],
      lesson: LESSONS.apiUnready,
    });
  }
  const objects = new Set<string>();
  const evidence: string[] = [];
  let seen = 0;
  let latest = 0;
  for (const ev of snap.events.map(eventOf)) {
    if (!ETCD_TROUBLE.test(ev.message ?? '')) continue;
    latest = Math.max(latest, lastSeenMs(ev));
    const inv = ev.involvedObject;
    const who = inv?.kind && inv.name ? `${inv.kind.toLowerCase()}/${inv.namespace ? `${inv.namespace}/` : ''}${inv.name}` : 'unknown object';
    objects.add(who);
    seen += eventCount(ev);
    evidence.push(`event ${ev.reason ?? ''} x${eventCount(ev)} on ${who}: ${ev.message}`);
  }
  for (const obj of [...snap.helmReleases, ...snap.kustomizations]) {
    for (const c of conditionsOf(obj)) {
      if (!ETCD_TROUBLE.test(c.message ?? '')) continue;
      objects.add(objectName(obj));
      latest = Math.max(latest, opts.now);
      seen++;
      evidence.push(`${objectName(obj)} ${c.type}=${c.status}: ${c.message}`);
    }
  }
  if (seen) {
    out.push({
      id: 'etcd-instability',
      check: 'api.etcd-instability',
      // Reports older than the recent window, with the API ready now: it has settled since.
      severity: !snap.apiReady ? 'critical' : opts.now - latest <= RECENT_MS ? 'warning' : 'info',
      title: `etcd instability: ${seen} leader change/timeout report(s)${opts.now - latest > RECENT_MS && snap.apiReady ? ', none in the last 15 minutes' : ''}`,
      objects: [...objects],
      evidence,
      lesson: LESSONS.etcd,
    });
  }
  return out;
};
