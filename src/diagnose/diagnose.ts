// The diagnosis: read the cluster once, run every check over that snapshot, link root causes
// to their symptoms and order the findings root causes first. Read-only.
import type { KubeReader, ProxmoxReader } from '../adapters/ports.js';
import { linkCauses } from './causes.js';
import { apiStability } from './checks/api-stability.js';
import { ballooning } from './checks/ballooning.js';
import { capacityMismatch } from './checks/capacity-mismatch.js';
import { crashLoops } from './checks/crash-loops.js';
import { deadNodes } from './checks/dead-nodes.js';
import { etcdQuorum } from './checks/etcd-quorum.js';
import { helmReleases } from './checks/helm-releases.js';
import { hostOvercommit } from './checks/host-overcommit.js';
import { kustomizations } from './checks/kustomizations.js';
import { noMemoryLimit } from './checks/no-memory-limit.js';
import { nodeCommitment } from './checks/node-commitment.js';
import { nodeMemoryPressure } from './checks/node-memory-pressure.js';
import { pendingPods } from './checks/pending-pods.js';
import { readGaps } from './checks/read-gaps.js';
import { reservedPriorityClass } from './checks/reserved-priority-class.js';
import { stuckTerminating } from './checks/stuck-terminating.js';
import { orderFindings } from './order.js';
import { readSnapshot } from './snapshot.js';
import { DEFAULT_NOT_READY_THRESHOLD_MS, DEFAULT_SYSTEM_NAMESPACES, type Check, type DiagnoseOptions, type Finding, type ResolvedOptions, type Snapshot } from './types.js';

const CHECKS: readonly Check[] = [
  apiStability,
  hostOvercommit,
  ballooning,
  capacityMismatch,
  deadNodes,
  etcdQuorum,
  noMemoryLimit,
  nodeMemoryPressure,
  nodeCommitment,
  crashLoops,
  reservedPriorityClass,
  helmReleases,
  kustomizations,
  stuckTerminating,
  pendingPods,
  readGaps,
];

export function resolveOptions(options: DiagnoseOptions = {}): ResolvedOptions {
  return {
    now: options.now ?? Date.now(),
    notReadyThresholdMs: options.notReadyThresholdMs ?? DEFAULT_NOT_READY_THRESHOLD_MS,
    systemNamespaces: options.systemNamespaces ?? [...DEFAULT_SYSTEM_NAMESPACES],
    ...(options.gitopsDir ? { gitopsDir: options.gitopsDir } : {}),
  };
}

/** The pure half: findings of a snapshot, linked and ordered (what tests drive directly). */
export function findingsOf(snap: Snapshot, opts: ResolvedOptions): Finding[] {
  const found = CHECKS.flatMap((check) => check({ snap, opts }));
  return orderFindings(linkCauses(found, snap));
}

export async function diagnose(readers: { kube: KubeReader; proxmox?: ProxmoxReader }, options?: DiagnoseOptions): Promise<Finding[]> {
  const opts = resolveOptions(options);
  const snap = await readSnapshot(readers, opts);
  return findingsOf(snap, opts);
}
