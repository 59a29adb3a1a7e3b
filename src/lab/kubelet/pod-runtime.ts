// The simulated kubelet's pod side. On every Ready node it starts bound pods and runs the
// memory model: a container whose usage exceeds its limit is OOM-killed by its cgroup; when
// the node's total usage (system + containers) exceeds allocatable, the kernel OOM killer picks
// the biggest container WITHOUT a limit (the incident's FRR daemons) and the kubelet reports a
// SystemOOM warning on the Node. A killed container crash-loops: one kill + restart every
// crashLoopSeconds (restartCount, lastState OOMKilled/137, waiting CrashLoopBackOff, BackOff
// event) until its cause is gone. Pods on a node that is not Ready are left exactly as they
// are: nobody reports for them, as with the incident's dead k3s-replica-2.
import { createHash } from 'node:crypto';
import { mutateIfChanged, setCondition, type Condition } from './apply.js';
import { emitEvent } from './events.js';
import { allocatableMiB, isNodeReady, nodeVmid, systemMemoryMiB } from './node-model.js';
import { containerUsage, isTerminal, memoryLimitMiB, podSpec, type ContainerUsage } from './pod-model.js';
import { parseTime, rfc3339 } from './time.js';
import type { ControllerContext, KubeObject } from './types.js';

interface ContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: { running?: { startedAt: string }; waiting?: { reason: string; message?: string }; terminated?: Record<string, unknown> };
  lastState?: { terminated?: { exitCode: number; reason: string; startedAt?: string; finishedAt: string; containerID?: string } };
}

function hashOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('/')).digest('hex');
}

/** The container the kernel OOM killer picks on an overcommitted node, if any. */
function systemOomVictim(node: KubeObject, pods: KubeObject[]): { pod: KubeObject; container: string; usage: ContainerUsage } | undefined {
  let total = systemMemoryMiB(node);
  let victim: { pod: KubeObject; container: string; usage: ContainerUsage } | undefined;
  for (const pod of pods) {
    const usage = containerUsage(pod);
    for (const c of podSpec(pod).containers ?? []) {
      const u = usage.get(c.name);
      if (!u) continue;
      const limit = memoryLimitMiB(c);
      total += limit === undefined ? u.memoryMiB : Math.min(u.memoryMiB, limit);
      if (limit === undefined && (!victim || u.memoryMiB > victim.usage.memoryMiB)) victim = { pod, container: c.name, usage: u };
    }
  }
  return total > allocatableMiB(node) ? victim : undefined;
}

function freshStatus(pod: KubeObject, name: string, image: string | undefined, nowIso: string): ContainerStatus {
  const id = hashOf(pod.metadata.uid ?? pod.metadata.name, name);
  return {
    name,
    image: image ?? 'unknown',
    imageID: `${image ?? 'unknown'}@sha256:${hashOf(image ?? '')}`,
    containerID: `containerd://${id}`,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: nowIso } },
  };
}

interface Kill {
  container: string;
  process?: string;
  restartCount: number;
}

/** Advances one pod's containers; returns the kills that happened now (for events). */
function advancePod(p: KubeObject, node: KubeObject, ctx: ControllerContext, systemVictim: string | undefined, bootMs: number | undefined): Kill[] {
  const now = ctx.now();
  const nowIso = rfc3339(now);
  const periodMs = ctx.crashLoopSeconds * 1000;
  const status = (p.status ??= {}) as { phase?: string; startTime?: string; hostIP?: string; podIP?: string; podIPs?: unknown; conditions?: Condition[]; containerStatuses?: ContainerStatus[]; qosClass?: string };
  const usage = containerUsage(p);
  const kills: Kill[] = [];
  const statuses: ContainerStatus[] = [];
  for (const c of podSpec(p).containers ?? []) {
    const cs = structuredClone(status.containerStatuses?.find((s) => s.name === c.name)) ?? freshStatus(p, c.name, c.image, nowIso);
    const u = usage.get(c.name);
    const limit = memoryLimitMiB(c);
    const overLimit = limit !== undefined && u !== undefined && u.memoryMiB > limit;
    const killed = overLimit || systemVictim === c.name;
    // The VM rebooted after the container started: containerd starts it again, and the kubelet
    // reports the old one as terminated with reason Unknown / 255, as after a real node reboot.
    const runningSince = parseTime(cs.state.running?.startedAt);
    if (bootMs !== undefined && runningSince !== undefined && runningSince < bootMs) {
      cs.restartCount += 1;
      cs.lastState = { terminated: { exitCode: 255, reason: 'Unknown', startedAt: rfc3339(runningSince), finishedAt: rfc3339(bootMs), ...(cs.containerID ? { containerID: cs.containerID } : {}) } };
      cs.state = { running: { startedAt: nowIso } };
    }
    const lastKill = parseTime(cs.lastState?.terminated?.reason === 'OOMKilled' ? cs.lastState.terminated.finishedAt : undefined);
    const backingOff = Boolean(cs.state.waiting) && lastKill !== undefined && now - lastKill < periodMs;
    if (backingOff) ctx.wakeAt?.(lastKill + periodMs);
    if (killed && !backingOff) {
      const startedAt = cs.state.running?.startedAt ?? (lastKill === undefined ? nowIso : rfc3339(lastKill));
      cs.restartCount += cs.lastState?.terminated || cs.state.running ? 1 : 0;
      cs.lastState = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt, finishedAt: nowIso, ...(cs.containerID ? { containerID: cs.containerID } : {}) } };
      const backoff = Math.min(300, 10 * 2 ** Math.min(5, cs.restartCount));
      cs.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff >= 60 ? `${Math.floor(backoff / 60)}m${backoff % 60}s` : `${backoff}s`} restarting failed container=${c.name} pod=${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid ?? ''})` } };
      cs.ready = false;
      cs.started = false;
      const process = u?.processes[cs.restartCount % u.processes.length];
      kills.push({ container: c.name, restartCount: cs.restartCount, ...(systemVictim === c.name && process ? { process } : {}) });
    } else if (!killed && !cs.state.running && !backingOff) {
      cs.state = { running: { startedAt: nowIso } };
      cs.ready = true;
      cs.started = true;
    }
    statuses.push(cs);
  }
  status.containerStatuses = statuses;
  status.phase = 'Running';
  status.startTime ??= nowIso;
  if (!status.podIP) {
    // From the node's pod CIDR (10.42.N.0/24), spread by pod name; hostIP is the node's InternalIP.
    const cidr = (node.spec as { podCIDR?: string } | undefined)?.podCIDR ?? '10.42.0.0/24';
    const ip = `${cidr.split('.').slice(0, 3).join('.')}.${2 + (parseInt(hashOf(p.metadata.name).slice(0, 4), 16) % 250)}`;
    const internal = ((node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []).find((a) => a.type === 'InternalIP');
    Object.assign(status, { podIP: ip, podIPs: [{ ip }], ...(internal ? { hostIP: internal.address, hostIPs: [{ ip: internal.address }] } : {}) });
  }
  const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
  const ready: Condition = notReady.length
    ? { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${notReady.join(' ')}]`, lastProbeTime: null }
    : { type: 'Ready', status: 'True', lastProbeTime: null };
  let conds = status.conditions ?? [];
  conds = setCondition(conds, { type: 'Initialized', status: 'True', lastProbeTime: null }, nowIso);
  conds = setCondition(conds, { ...ready, type: 'ContainersReady' }, nowIso);
  conds = setCondition(conds, ready, nowIso);
  conds = setCondition(conds, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, nowIso);
  status.conditions = conds.map((c) => (c.status === 'True' ? withoutReason(c) : c));
  return kills;
}

function withoutReason(c: Condition): Condition {
  const { reason: _r, message: _m, ...rest } = c;
  return rest;
}

/**
 * Pods found steady (every container running, nothing changed) and the inputs they were found
 * so with: while none of those changes, the next pass would change nothing either, so it is
 * skipped instead of copying and comparing 10k pods every second. Time only matters to a pod
 * with a waiting (backing off) container, which is never recorded here.
 */
const steadyPods = new WeakMap<ControllerContext, Map<string, string>>();
/** Each node's system-OOM victim and the inputs it was computed from (parsing every pod's quantities each pass cost more than the rest of it). */
const oomVictims = new WeakMap<ControllerContext, Map<string, { inputs: string; victim: ReturnType<typeof systemOomVictim> }>>();

function isSteady(pod: KubeObject): boolean {
  const statuses = (pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every((c) => c.state.running && c.ready);
}

/** One pass over every Ready node's pods. */
export function syncPodRuntime(ctx: ControllerContext): boolean {
  const steady = steadyPods.get(ctx) ?? new Map<string, string>();
  steadyPods.set(ctx, steady);
  const victims = oomVictims.get(ctx) ?? new Map<string, { inputs: string; victim: ReturnType<typeof systemOomVictim> }>();
  oomVictims.set(ctx, victims);
  const seen = new Set<string>();
  // Grouped by node once: filtering every pod per node was quadratic at 500 nodes / 10k pods.
  const byNode = new Map<string, KubeObject[]>();
  for (const p of ctx.store.list('v1', 'Pod')) {
    const nodeName = podSpec(p).nodeName;
    if (!nodeName || isTerminal(p) || p.metadata.deletionTimestamp) continue;
    const list = byNode.get(nodeName);
    if (list) list.push(p);
    else byNode.set(nodeName, [p]);
  }
  let changed = false;
  for (const node of ctx.store.list('v1', 'Node')) {
    if (!isNodeReady(node)) continue;
    const onNode = byNode.get(node.metadata.name) ?? [];
    // The victim depends only on the node's memory and its pods (each pod's resourceVersion covers its usage and limits).
    const victimInputs = `${allocatableMiB(node)}|${systemMemoryMiB(node)}|${onNode.map((p) => p.metadata.resourceVersion).join(',')}`;
    const memo = victims.get(node.metadata.name);
    const victim = memo?.inputs === victimInputs ? memo.victim : systemOomVictim(node, onNode);
    victims.set(node.metadata.name, { inputs: victimInputs, victim });
    const vmid = nodeVmid(node);
    const nodeAddressing = JSON.stringify([(node.spec as { podCIDR?: string } | undefined)?.podCIDR, (node.status as { addresses?: unknown } | undefined)?.addresses]);
    const bootMs = vmid === undefined ? undefined : ctx.proxmox.vm(vmid)?.uptimeStartedAt;
    for (const pod of onNode) {
      let kills: Kill[] = [];
      const victimContainer = victim?.pod.metadata.uid === pod.metadata.uid ? victim?.container : undefined;
      // Of the node, a pod's status reads only its pod CIDR and addresses (a heartbeat changes neither).
      const inputs = `${pod.metadata.resourceVersion}|${nodeAddressing}|${bootMs ?? ''}|${victimContainer ?? ''}`;
      const uid = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
      seen.add(uid);
      if (steady.get(uid) === inputs) continue;
      const wrote = mutateIfChanged(ctx.store, pod, (p) => {
        kills = advancePod(p, node, ctx, victimContainer, bootMs);
      });
      changed = wrote || changed;
      if (!wrote) {
        if (isSteady(pod)) steady.set(uid, inputs);
        continue;
      }
      steady.delete(uid);
      for (const k of kills) {
        emitEvent(ctx, pod, { type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${k.container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid ?? ''})`, component: 'kubelet' });
        if (k.process) {
          // One pid per process name (a real restart gets a new pid): repeats aggregate into one Event each.
          const pid = 1000 + (parseInt(hashOf(pod.metadata.name, k.container, k.process).slice(0, 6), 16) % 30000);
          emitEvent(ctx, node, { type: 'Warning', reason: 'SystemOOM', message: `System OOM encountered, victim process: ${k.process}, pid: ${pid}`, component: 'kubelet' });
        }
      }
    }
  }
  for (const uid of steady.keys()) if (!seen.has(uid)) steady.delete(uid);
  return changed;
}
