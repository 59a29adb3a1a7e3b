// The Flux controllers' delayed requeues (controller-runtime's RequeueAfter), kept in memory per
// controller context as the real workqueue keeps them in the controller process: a restarted
// lab forgets them and, like a restarted controller, looks at every object again.
import type { ControllerContext } from '../kubelet/types.js';

interface Entry {
  /** when the object is due again (controller clock, ms) */
  at: number;
  /** the generation last reconciled: a spec change is reconciled at once */
  generation: number;
}

const queues = new WeakMap<ControllerContext, Map<string, Entry>>();

function queueOf(ctx: ControllerContext): Map<string, Entry> {
  let q = queues.get(ctx);
  if (!q) {
    q = new Map();
    queues.set(ctx, q);
  }
  return q;
}

/**
 * The object's pending requeue. A run that looks at one not yet due asks for its pass again:
 * the control loop forgets a controller's wake-ups each time it runs it, so a requeue asked
 * for in an earlier run would otherwise be lost to any run in between.
 */
export function scheduled(ctx: ControllerContext, key: string): Entry | undefined {
  const entry = queueOf(ctx).get(key);
  if (entry && entry.at > ctx.now()) ctx.wakeAt?.(entry.at);
  return entry;
}

export function requeueAfter(ctx: ControllerContext, key: string, generation: number, ms: number): void {
  const at = ctx.now() + ms;
  queueOf(ctx).set(key, { at, generation });
  ctx.wakeAt?.(at);
}
