// Flux's delayed requeues and the control loop's wake-ups (ctx.wakeAt): the loop forgets a
// controller's wake-ups each time it runs it, so every run that passes over a pending requeue
// must ask for its pass again, or a change in between loses it.
import { describe, expect, it } from 'vitest';
import { requeueAfter, scheduled } from '../../../src/lab/flux/requeue.js';
import type { ControllerContext } from '../../../src/lab/kubelet/types.js';
import { harness } from '../controllers/harness.js';

describe('Flux requeues', () => {
  it('ask for their pass when made and again from every run that finds them pending; not once due', () => {
    const h = harness();
    const wakes: number[] = [];
    const ctx: ControllerContext = { ...h.ctx, wakeAt: (at) => wakes.push(at) };
    requeueAfter(ctx, 'ks/flux-system/apps', 1, 2000);
    const due = h.clock.now + 2000;
    expect(wakes).toEqual([due]);
    h.advance(1);
    expect(scheduled(ctx, 'ks/flux-system/apps')?.at).toBe(due);
    expect(wakes).toEqual([due, due]);
    h.advance(1);
    scheduled(ctx, 'ks/flux-system/apps'); // due now: the run that looks handles it, asking for nothing
    expect(wakes).toEqual([due, due]);
  });
});
