// When the controllers run: on a change they can see (any store write but Events, node
// heartbeats and Leases; any Proxmox VM change), and when a time-driven decision they made
// falls due (ctx.wakeAt: a heartbeat, a grace period, a crash-loop back-off, a requeue). An
// idle 500-node lab used to run every controller over 10k pods every second to find nothing;
// now the ticker only compares two numbers, and a due controller runs alone unless it changed
// something the others read. Timers are unref'd so a forgotten lab never holds the process open.
import { isEphemeralChange } from '../ephemeral-change.js';
import { CONTROLLERS, MAX_PASSES } from './controllers.js';
import { heartbeatMs } from './node-status.js';
import type { ControllerContext, StoreEventLike, VmLike } from './types.js';

export interface RunningControllers {
  /** Runs every controller until nothing changes (bounded); tests call it to settle synchronously. */
  syncNow(): void;
  stop(): void;
  /** Passes run so far, each counted once per controller that ran in it (for tests and the bench). */
  readonly runs: { passes: number; controllers: number };
}

/** Kinds whose changes cannot affect any controller decision. */
const IGNORED_KINDS = new Set(['Event', 'Lease']);

/** Whether a change could affect a controller decision (a heartbeat alone is time, and time is asked for). */
function seenByControllers(e: StoreEventLike): boolean {
  return !IGNORED_KINDS.has(e.object.kind) && !isEphemeralChange(e);
}

export function startControllers(base: ControllerContext, opts: { onError?: (e: unknown) => void } = {}): RunningControllers {
  /** When each controller is next due (ms, the controllers' clock); -Infinity: at once. */
  const due = CONTROLLERS.map(() => -Infinity);
  let current = -1;
  const ctx: ControllerContext = {
    ...base,
    wakeAt: (at) => {
      if (current >= 0) due[current] = Math.min(due[current]!, at);
    },
  };
  const runs = { passes: 0, controllers: 0 };
  let running = false;
  let stopped = false;
  /** Something changed since the last pass: every controller looks. */
  let dirty = true;
  /** The running pass changed something a controller reads: another whole pass follows. */
  let changedSeen = false;
  let queued: ReturnType<typeof setTimeout> | undefined;

  const pass = (whole: boolean) => {
    const now = ctx.now();
    runs.passes++;
    CONTROLLERS.forEach((sync, i) => {
      if (!whole && due[i]! > now) return;
      runs.controllers++;
      current = i;
      due[i] = Infinity;
      try {
        sync(ctx);
      } finally {
        current = -1;
      }
    });
  };
  const run = (whole = false) => {
    queued = undefined;
    if (stopped || running) return;
    running = true;
    try {
      let all = whole || dirty;
      dirty = false;
      for (let i = 0; i < MAX_PASSES; i++) {
        changedSeen = false;
        pass(all);
        if (!changedSeen) break;
        all = true;
      }
    } catch (e) {
      dirty = true; // the next tick tries every controller again, as a failed pass always did
      opts.onError?.(e);
    } finally {
      running = false;
    }
    // A controller that stopped early to let the API server answer in between goes on at once.
    if (dueNow()) schedule();
  };
  const dueNow = () => Math.min(...due) <= ctx.now();
  // Coalesce bursts of events into one pass.
  const schedule = () => {
    if (stopped || queued) return;
    queued = setTimeout(run, 0);
    queued.unref();
  };
  const changed = () => {
    if (running) changedSeen = true;
    else {
      dirty = true;
      schedule();
    }
  };
  const onStore = (e: StoreEventLike) => {
    if (seenByControllers(e)) changed();
  };
  const onVm = (_vm: VmLike) => changed();
  const unsubscribe = ctx.store.subscribe(onStore);
  ctx.proxmox.on('vm-changed', onVm);
  // The ticker is the clock's granularity (as before: half a heartbeat or crash-loop period, at
  // most a second); a tick with nothing changed and nothing due costs a comparison.
  const tickMs = Math.max(50, Math.min(1000, heartbeatMs(ctx) / 2, (ctx.crashLoopSeconds * 1000) / 2));
  const ticker = setInterval(() => {
    if (dirty || dueNow()) run();
  }, tickMs);
  ticker.unref();
  run();
  return {
    syncNow() {
      run(true);
      for (let i = 0; i < MAX_PASSES && dueNow(); i++) run();
    },
    runs,
    stop() {
      stopped = true;
      clearInterval(ticker);
      if (queued) clearTimeout(queued);
      unsubscribe();
      ctx.proxmox.off('vm-changed', onVm);
    },
  };
}
