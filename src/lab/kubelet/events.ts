// Events the way client-go's EventCorrelator writes them: a repeat of the same event (same
// object, type, reason and message) bumps `count` and `lastTimestamp` of the existing Event
// instead of adding one, so a crash loop left running for hours stays a handful of objects.
import { rfc3339 } from './time.js';
import type { ControllerContext, EventInput, KubeObject } from './types.js';

export function emitEvent(ctx: ControllerContext, involved: KubeObject, e: EventInput): void {
  const namespace = involved.metadata.namespace ?? 'default';
  const same = ctx.store.list('v1', 'Event', { namespace }).find((ev) => {
    const ref = ev.involvedObject as { kind?: string; name?: string; uid?: string } | undefined;
    return ref?.kind === involved.kind && ref.name === involved.metadata.name && ref.uid === involved.metadata.uid && ev.reason === e.reason && ev.message === e.message && ev.type === e.type;
  });
  if (!same) {
    ctx.store.recordEvent(involved, e);
    return;
  }
  const at = rfc3339(ctx.now());
  ctx.store.mutate('v1', 'Event', same.metadata.name, namespace, (ev) => {
    ev.count = Number(ev.count ?? 1) + 1;
    ev.lastTimestamp = at;
  });
}
