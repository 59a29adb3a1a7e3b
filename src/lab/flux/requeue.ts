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

export function scheduled(ctx: ControllerContext, key: string): Entry | undefined {
  return queueOf(ctx).get(key);
}

export function requeueAfter(ctx: ControllerContext, key: string, generation: number, ms: number): void {
  const at = ctx.now() + ms;
  queueOf(ctx).set(key, { at, generation });
  ctx.wakeAt?.(at);
}
