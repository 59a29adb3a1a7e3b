// Facts about Kubernetes objects that steps, the diagnosis and restore all need: readiness,
// roles, where a volume lives. Pure functions over plain objects, so they are trivially testable.
import type { KubeObject, KubeRef } from './adapters/ports.js';

export const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
export const POD = { apiVersion: 'v1', kind: 'Pod' } as const;
export const PVC = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' } as const;
export const PV = { apiVersion: 'v1', kind: 'PersistentVolume' } as const;
export const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;

export function nodeRef(name: string): KubeRef {
  return { ...NODE, name };
}

export function refOf(obj: KubeObject): KubeRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) };
}

export function describe(obj: KubeObject | KubeRef): string {
  const name = 'metadata' in obj ? obj.metadata.name : obj.name;
  const ns = 'metadata' in obj ? obj.metadata.namespace : obj.namespace;
  return `${obj.kind.toLowerCase()}/${ns ? `${ns}/` : ''}${name}`;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
}

export function conditions(obj: KubeObject | undefined): Condition[] {
  return ((obj?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
}

export function condition(obj: KubeObject | undefined, type: string): Condition | undefined {
  return conditions(obj).find((c) => c.type === type);
}

export function isNodeReady(node: KubeObject | undefined): boolean {
  return condition(node, 'Ready')?.status === 'True';
}

const msSince = (iso: string | undefined, now: number) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : Math.max(0, now - t);
};

/**
 * How long the node has not been Ready (0 when Ready or unknown); the one clock for doctor's
 * dead-node check and purge-dead-node's preflight, so doctor never proposes a purge the
 * preflight refuses. For Unknown (the kubelet went silent) the last heartbeat is the better
 * clock: the lifecycle controller flips the condition a grace period later, and a controller
 * restart resets lastTransitionTime.
 */
export function notReadyForMs(node: KubeObject, now: number): number {
  const c = condition(node, 'Ready');
  if (!c || c.status === 'True') return 0;
  const transition = msSince(c.lastTransitionTime, now);
  return c.status === 'Unknown' ? Math.max(transition, msSince(c.lastHeartbeatTime, now)) : transition;
}

export function isControlPlane(node: KubeObject): boolean {
  const l = node.metadata.labels ?? {};
  return l['node-role.kubernetes.io/control-plane'] !== undefined || l['node-role.kubernetes.io/master'] !== undefined;
}

export function isEtcdMember(node: KubeObject): boolean {
  return (node.metadata.labels ?? {})['node-role.kubernetes.io/etcd'] !== undefined;
}

/** The node a PersistentVolume is pinned to: local-path / local volumes use nodeAffinity. */
export function pvPinnedNode(pv: KubeObject): string | undefined {
  const ann = pv.metadata.annotations ?? {};
  if (ann['local.path.provisioner/selected-node']) return ann['local.path.provisioner/selected-node'];
  const terms = ((pv.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: Array<{ matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }> } } })?.nodeAffinity?.required?.nodeSelectorTerms) ?? [];
  for (const t of terms) {
    for (const e of t.matchExpressions ?? []) {
      if (e.key === 'kubernetes.io/hostname' && e.operator === 'In' && e.values?.length === 1) return e.values[0];
    }
  }
  return undefined;
}

export function pvClaim(pv: KubeObject): { namespace: string; name: string } | undefined {
  const ref = (pv.spec as { claimRef?: { namespace?: string; name?: string } } | undefined)?.claimRef;
  return ref?.name && ref.namespace ? { namespace: ref.namespace, name: ref.name } : undefined;
}

/**
 * Shell-style glob (`*`, `?`) match, for `--pvc 'prometheus-*'`. No RegExp: a 120k-character
 * glob made one too large to compile (a crash), and `.*` runs can backtrack for minutes.
 * Greedy with one remembered star: O(glob x name) at worst.
 */
export function globMatch(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (glob[g] === '*') {
      star = g++;
      mark = n;
    } else if (g < glob.length && (glob[g] === '?' || glob[g] === name[n])) {
      g++;
      n++;
    } else if (star >= 0) {
      g = star + 1;
      n = ++mark;
    } else return false;
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

export function globMatcher(globs: readonly string[] | undefined): (name: string) => boolean {
  if (!globs?.length) return () => true;
  return (name) => globs.some((g) => globMatch(g, name));
}

/** A copy fit for re-creation: server-set fields dropped, finalizers and deletion state reset. */
export function forRecreate(obj: KubeObject): KubeObject {
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, deletionTimestamp: _d, deletionGracePeriodSeconds: _g, managedFields: _m, generation: _gen, ...metadata } = obj.metadata as Record<string, unknown>;
  const copy = { ...obj, metadata: metadata as KubeObject['metadata'] };
  delete (copy as { status?: unknown }).status;
  return copy;
}
