// Runs the simulated control loops in a fixed order: node status (kubelet + node lifecycle),
// k3s's node and etcd member controllers (Node finalizers),
// helm-controller (an upgrade changes pod templates), the namespace controller, kubelets
// confirming graceful pod deletions, workload controllers + PodGC, volume
// protection, scheduler, pod runtime, disruption controller (PDB status), kustomize-controller (its health checks read the
// HelmReleases). A pass runs on any
// store change, on any Proxmox VM change, and on a ticker for the time-driven parts
// (heartbeats, grace periods, crash loops). Timers are unref'd so a forgotten lab never holds
// the process open.
import { syncHelmReleases } from '../flux/helm-controller.js';
import { syncKustomizations } from '../flux/kustomize-controller.js';
import { heartbeatMs, syncNodeStatus } from './node-status.js';
import { syncDisruption } from './disruption.js';
import { syncEtcdMembers } from './etcd-member-controller.js';
import { syncK3sNodes } from './k3s-node-controller.js';
import { syncNamespaces } from './namespace-controller.js';
import { syncPodRuntime } from './pod-runtime.js';
import { syncPodTermination } from './pod-termination.js';
import { syncScheduler } from './scheduler.js';
import { syncVolumeProtection } from './volume-protection.js';
import { syncWorkloads } from './workloads.js';
import type { ControllerContext, StoreEventLike, VmLike } from './types.js';

export interface RunningControllers {
  /** Runs passes until nothing changes (bounded); tests call it to settle synchronously. */
  syncNow(): void;
  stop(): void;
}

const MAX_PASSES = 10;
/** Kinds whose changes cannot affect any controller decision. */
const IGNORED_KINDS = new Set(['Event', 'Lease']);

export function syncAll(ctx: ControllerContext): boolean {
  let changed = false;
  for (let i = 0; i < MAX_PASSES; i++) {
    const pass = [syncNodeStatus(ctx), syncK3sNodes(ctx), syncEtcdMembers(ctx), syncHelmReleases(ctx), syncNamespaces(ctx), syncPodTermination(ctx), syncWorkloads(ctx), syncVolumeProtection(ctx), syncScheduler(ctx), syncPodRuntime(ctx), syncDisruption(ctx), syncKustomizations(ctx)].some(Boolean);
    changed = changed || pass;
    if (!pass) break;
  }
  return changed;
}

export function startControllers(ctx: ControllerContext, opts: { onError?: (e: unknown) => void } = {}): RunningControllers {
  let running = false;
  let stopped = false;
  let queued: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    queued = undefined;
    if (stopped || running) return;
    running = true;
    try {
      syncAll(ctx);
    } catch (e) {
      opts.onError?.(e);
    } finally {
      running = false;
    }
  };
  // Coalesce bursts of events into one pass; writes made by the pass itself are seen by the
  // next pass, which finds nothing to do once the state settled.
  const schedule = () => {
    if (stopped || queued) return;
    queued = setTimeout(run, 0);
    queued.unref();
  };
  const onStore = (e: StoreEventLike) => {
    if (!running && !IGNORED_KINDS.has(e.object.kind)) schedule();
  };
  const onVm = (_vm: VmLike) => schedule();
  const unsubscribe = ctx.store.subscribe(onStore);
  ctx.proxmox.on('vm-changed', onVm);
  const tickMs = Math.max(50, Math.min(1000, heartbeatMs(ctx) / 2, (ctx.crashLoopSeconds * 1000) / 2));
  const ticker = setInterval(run, tickMs);
  ticker.unref();
  run();
  return {
    syncNow: run,
    stop() {
      stopped = true;
      clearInterval(ticker);
      if (queued) clearTimeout(queued);
      unsubscribe();
      ctx.proxmox.off('vm-changed', onVm);
    },
  };
}
