// Simulated kubelet status posting + the node lifecycle controller's view of it.
// A node backed by a running VM whose guest has booted posts Ready with the memory the guest
// really sees (with ballooning on, the balloon target, not the configured size) and the
// guest's boot id. A node whose VM is stopped, still booting, or gone stops posting. Nothing
// posts NotReady on a shutdown: the kubelet's graceful node shutdown (pkg/kubelet/nodeshutdown)
// is off unless shutdownGracePeriod is set, and k3s does not set it (kubernetes/website
// docs/concepts/cluster-administration/node-shutdown.md). So the Node keeps its last
// Ready=True, capacity and bootID until the kubelet posts again or, once its last heartbeat
// is older than notReadyGraceSeconds, every condition goes Unknown ("Kubelet stopped posting
// node status.") and the unreachable taints are added, as kube-controller-manager's node
// lifecycle controller does.
import { createHash } from 'node:crypto';
import { mutateDue, mutateIfChanged, setCondition, type Condition } from './apply.js';
import { emitEvent } from './events.js';
import { nodeConditions, nodeTaints, nodeVmid, NOT_READY_TAINT, UNREACHABLE_TAINT, type Taint } from './node-model.js';
import { miQuantity } from './quantity.js';
import { microTime, parseTime, rfc3339 } from './time.js';
import type { ControllerContext, KubeObject, VmLike } from './types.js';

/**
 * Allocatable = capacity - the kubelet's default hard eviction threshold (memory.available<100Mi).
 * k3s sets no kube-reserved/system-reserved by default, so that is the whole difference.
 */
const EVICTION_HARD_MIB = 100;
const LEASE_DURATION_SECONDS = 40;

/** Heartbeat period: the kubelet's 10s, shortened when the lab's grace period is shorter. */
export function heartbeatMs(ctx: ControllerContext): number {
  return Math.min(10_000, (ctx.notReadyGraceSeconds * 1000) / 2);
}

const READY_CONDITIONS: Condition[] = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/** The guest's boot id changes with each start of its VM (what `kubelet` reads from /proc). */
function bootIdOf(name: string, vm: VmLike): string {
  const h = createHash('sha256').update(`boot/${name}/${vm.uptimeStartedAt ?? 0}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Whether the kubelet posts a heartbeat now (not Ready yet, or a period since the last) and when it posts next. */
function heartbeat(ctx: ControllerContext, node: KubeObject): { now: boolean; next: number } {
  const ready = nodeConditions(node).find((c) => c.type === 'Ready');
  const lastBeat = parseTime(ready?.lastHeartbeatTime) ?? 0;
  const now = ready?.status !== 'True' || ctx.now() - lastBeat >= heartbeatMs(ctx);
  return { now, next: (now ? ctx.now() : lastBeat) + heartbeatMs(ctx) };
}

function postReady(node: KubeObject, ctx: ControllerContext, vm: VmLike): void {
  const vmid = vm.vmid;
  const cores = Number(vm.config.cores ?? 1) * Number(vm.config.sockets ?? 1);
  const now = ctx.now();
  const nowIso = rfc3339(now);
  const status = (node.status ??= {}) as Record<string, unknown>;
  const conditions = nodeConditions(node) as Condition[];
  const beat = heartbeat(ctx, node).now;
  let next = conditions;
  for (const c of READY_CONDITIONS) {
    const prev = next.find((p) => p.type === c.type);
    const heartbeat = beat ? nowIso : (prev?.lastHeartbeatTime ?? nowIso);
    next = setCondition(next, { ...c, lastHeartbeatTime: heartbeat }, nowIso);
  }
  status.conditions = next;
  const memMiB = ctx.proxmox.effectiveMemoryMiB(vmid);
  const capacity = { ...(status.capacity as Record<string, string> | undefined) };
  capacity.memory = miQuantity(memMiB);
  capacity.cpu = String(cores);
  capacity.pods ??= '110';
  const allocatable = { ...(status.allocatable as Record<string, string> | undefined) };
  allocatable.memory = miQuantity(Math.max(0, memMiB - EVICTION_HARD_MIB));
  allocatable.cpu = String(cores);
  allocatable.pods ??= '110';
  status.capacity = capacity;
  status.allocatable = allocatable;
  status.nodeInfo = { ...(status.nodeInfo as object | undefined), bootID: bootIdOf(node.metadata.name, vm) };
  const spec = (node.spec ??= {}) as { taints?: Taint[] };
  const taints = nodeTaints(node).filter((t) => t.key !== UNREACHABLE_TAINT && t.key !== NOT_READY_TAINT);
  if (taints.length) spec.taints = taints;
  else delete spec.taints;
}

function markUnknown(node: KubeObject, ctx: ControllerContext): void {
  // The node lifecycle controller notices a silent node one grace period after its last
  // heartbeat; a node that died long before the lab started went NotReady back then, not now.
  const lastBeat = parseTime(nodeConditions(node).find((c) => c.type === 'Ready')?.lastHeartbeatTime);
  const nowIso = rfc3339(lastBeat === undefined ? ctx.now() : Math.min(ctx.now(), lastBeat + ctx.notReadyGraceSeconds * 1000));
  const status = (node.status ??= {}) as Record<string, unknown>;
  let next = nodeConditions(node) as Condition[];
  for (const c of READY_CONDITIONS) {
    const prev = next.find((p) => p.type === c.type);
    next = setCondition(
      next,
      { type: c.type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: prev?.lastHeartbeatTime ?? nowIso },
      nowIso,
    );
  }
  status.conditions = next;
  const spec = (node.spec ??= {}) as { taints?: Taint[] };
  // Unknown is "unreachable", not "not-ready": the controller swaps one for the other.
  const taints = nodeTaints(node).filter((t) => t.key !== NOT_READY_TAINT);
  if (!taints.some((t) => t.key === UNREACHABLE_TAINT && t.effect === 'NoSchedule')) taints.push({ key: UNREACHABLE_TAINT, effect: 'NoSchedule' });
  if (!taints.some((t) => t.key === UNREACHABLE_TAINT && t.effect === 'NoExecute')) taints.push({ key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: nowIso });
  spec.taints = taints;
}

const renewedAt = (lease: KubeObject) => parseTime((lease.spec as { renewTime?: string } | undefined)?.renewTime) ?? 0;

/** Whether the kubelet renews (or creates) its node Lease now. */
function leaseDue(ctx: ControllerContext, lease: KubeObject | undefined): boolean {
  return !lease || ctx.now() - renewedAt(lease) >= heartbeatMs(ctx);
}

function renewLease(ctx: ControllerContext, node: KubeObject, lease: KubeObject | undefined): boolean {
  const name = node.metadata.name;
  const now = ctx.now();
  if (!lease) {
    ctx.store.create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }] },
      spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) },
    });
    return true;
  }
  if (!leaseDue(ctx, lease)) {
    ctx.wakeAt?.(renewedAt(lease) + heartbeatMs(ctx));
    return false;
  }
  ctx.wakeAt?.(now + heartbeatMs(ctx));
  return mutateDue(ctx.store, lease, (l) => {
    l.spec = { ...(l.spec as object), holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) };
  });
}

/**
 * Kubelets posting in one run at most: each post is a write and a watch event, and 500 at once
 * held the lab's event loop (its API server) for ~200 ms. The rest post a moment later, in the
 * next run (asked for at once), as real kubelets, never in step, would.
 */
export const POSTS_PER_RUN = 50;

/**
 * Nodes whose last post changed nothing, with the inputs it was made from: until one of them
 * changes or the next heartbeat is due, posting again would change nothing either (comparing
 * 500 nodes' copies on each of the heartbeat round's runs cost more than the posts).
 */
const settled = new WeakMap<ControllerContext, Map<string, string>>();

/** What a post reads besides the clock: the Node as stored and its VM. */
function postInputs(ctx: ControllerContext, node: KubeObject, vm: VmLike): string {
  return `${node.metadata.resourceVersion}|${vm.uptimeStartedAt}|${ctx.proxmox.effectiveMemoryMiB(vm.vmid)}|${vm.config.cores}|${vm.config.sockets}`;
}

/** One pass over all nodes; returns whether anything was written. */
export function syncNodeStatus(ctx: ControllerContext): boolean {
  let changed = false;
  let posts = 0;
  const unchanged = settled.get(ctx) ?? new Map<string, string>();
  settled.set(ctx, unchanged);
  const leases = new Map(ctx.store.list('coordination.k8s.io/v1', 'Lease', { namespace: 'kube-node-lease' }).map((l) => [l.metadata.name, l]));
  for (const node of ctx.store.list('v1', 'Node')) {
    if (node.metadata.deletionTimestamp) continue;
    const vmid = nodeVmid(node);
    const vm = vmid === undefined ? undefined : ctx.proxmox.vm(vmid);
    if (vm && vm.status === 'running' && (ctx.proxmox.guestBooted?.(vm.vmid, ctx.now()) ?? true)) {
      const beat = heartbeat(ctx, node);
      const lease = leases.get(node.metadata.name);
      if ((beat.now || leaseDue(ctx, lease)) && posts++ >= POSTS_PER_RUN) {
        ctx.wakeAt?.(ctx.now());
        changed = true; // not settled yet: a caller that loops until nothing changes runs this again
        continue;
      }
      ctx.wakeAt?.(beat.next);
      const inputs = postInputs(ctx, node, vm);
      if (!beat.now && unchanged.get(node.metadata.name) === inputs) {
        changed = renewLease(ctx, node, lease) || changed;
        continue;
      }
      const wasReady = nodeConditions(node).some((c) => c.type === 'Ready' && c.status === 'True');
      const oldBoot = (node.status as { nodeInfo?: { bootID?: string } } | undefined)?.nodeInfo?.bootID;
      if (!(beat.now ? mutateDue : mutateIfChanged)(ctx.store, node, (n) => postReady(n, ctx, vm))) unchanged.set(node.metadata.name, inputs);
      else {
        unchanged.delete(node.metadata.name);
        changed = true;
        // The kubelet's own events on these transitions (kubelet_node_status.go, kubelet.go).
        const bootID = bootIdOf(node.metadata.name, vm);
        if (oldBoot && oldBoot !== bootID) emitEvent(ctx, node, { type: 'Warning', reason: 'Rebooted', message: `Node ${node.metadata.name} has been rebooted, boot id: ${bootID}`, component: 'kubelet' });
        if (!wasReady) emitEvent(ctx, node, { type: 'Normal', reason: 'NodeReady', message: `Node ${node.metadata.name} status is now: NodeReady`, component: 'kubelet' });
      }
      changed = renewLease(ctx, node, lease) || changed;
      continue;
    }
    const bootsAt = vm ? ctx.proxmox.guestBootsAt?.(vm.vmid) : undefined;
    if (bootsAt !== undefined) ctx.wakeAt?.(bootsAt);
    const ready = nodeConditions(node).find((c) => c.type === 'Ready');
    const lastBeat = parseTime(ready?.lastHeartbeatTime) ?? 0;
    if (ctx.now() - lastBeat < ctx.notReadyGraceSeconds * 1000) ctx.wakeAt?.(lastBeat + ctx.notReadyGraceSeconds * 1000);
    else {
      changed = mutateIfChanged(ctx.store, node, (n) => markUnknown(n, ctx)) || changed;
    }
  }
  return changed;
}
