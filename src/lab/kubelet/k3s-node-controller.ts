// k3s's node controller (k3s-io/k3s pkg/node/controller.go), registered with wrangler's
// OnRemove, whose lifecycle adapter (rancher/wrangler pkg/generic/remove.go) puts the finalizer
// `wrangler.cattle.io/node` on every Node that is not being deleted. On change it keeps the
// node's line in the CoreDNS ConfigMap's NodeHosts; once a Node is deleted it removes the
// node-password Secret (a failure there is only a warning upstream), removes the NodeHosts line
// (a failure there keeps the finalizer, and wrangler retries), then drops its finalizer.
import { K3S_NODE_FINALIZER, nodePasswordSecretName } from '../../k3s-facts.js';
import { KubeStatusError } from '../kube/store.js';
import { mutateIfChanged } from './apply.js';
import type { ControllerContext, KubeObject } from './types.js';

function internalIp(node: KubeObject): string | undefined {
  const addresses = (node.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
  return addresses.find((a) => a.type === 'InternalIP' && !a.address.includes(':'))?.address;
}

/** NodeHosts without `node`'s lines, plus `ip node` when given; sorted by address as upstream. */
function withHost(hosts: string, node: string, ip: string | undefined): string {
  const lines = hosts.split('\n').filter((l) => l.trim() && l.trim().split(/\s+/)[1] !== node);
  if (ip) lines.push(`${ip} ${node}`);
  const key = (l: string) => l.split(/\s+/)[0]!.split('.').map((p) => p.padStart(3, '0')).join('.');
  return lines.sort((a, b) => key(a).localeCompare(key(b))).map((l) => `${l}\n`).join('');
}

/** The CoreDNS ConfigMap as read once per pass, with its NodeHosts lines by node name. */
interface HostsView {
  cm: KubeObject | undefined;
  byNode: Map<string, string[]>;
}

function readHosts(ctx: ControllerContext): HostsView {
  const cm = ctx.store.get('v1', 'ConfigMap', 'coredns', 'kube-system');
  const byNode = new Map<string, string[]>();
  for (const line of ((cm as { data?: Record<string, string> } | undefined)?.data?.NodeHosts ?? '').split('\n')) {
    const [ip, name] = line.trim().split(/\s+/);
    if (ip && name) byNode.set(name, [...(byNode.get(name) ?? []), ip]);
  }
  return { cm, byNode };
}

function syncNodeHosts(ctx: ControllerContext, node: KubeObject, removed: boolean, hosts: HostsView): boolean {
  // Upstream: no ConfigMap is only a warning (CoreDNS disabled); no InternalIP, nothing to add.
  if (!hosts.cm) return false;
  const ip = removed ? undefined : internalIp(node);
  if (!removed && !ip) return false;
  // Already as wanted: no rewrite (a 500-node NodeHosts re-sorted per node per pass was most of an idle lab's CPU).
  const have = hosts.byNode.get(node.metadata.name) ?? [];
  if (removed ? have.length === 0 : have.length === 1 && have[0] === ip) return false;
  const wrote = mutateIfChanged(ctx.store, hosts.cm, (o) => {
    const data = ((o as { data?: Record<string, string> }).data ??= {});
    data.NodeHosts = withHost(data.NodeHosts ?? '', node.metadata.name, ip);
  });
  if (wrote) Object.assign(hosts, readHosts(ctx));
  return wrote;
}

function deleteNodePassword(ctx: ControllerContext, node: string): void {
  try {
    ctx.store.delete('v1', 'Secret', nodePasswordSecretName(node), 'kube-system');
  } catch (e) {
    if (!(e instanceof KubeStatusError)) throw e;
  }
}

/**
 * k3s runs these handlers in its own process, from an informer's workqueue, never inside the
 * DELETE: a client that reads right after deleting sees the Node still there, Terminating. The
 * lab makes that window at least a second (deletionTimestamp has whole seconds), every time.
 */
const K3S_REACTION_MS = 2000;

/** Not yet: the pass that is due when k3s has seen it is asked for. */
export function k3sHasSeenDeletion(ctx: ControllerContext, node: KubeObject): boolean {
  const at = Date.parse(node.metadata.deletionTimestamp ?? '');
  if (Number.isNaN(at)) return false;
  if (ctx.now() - at >= K3S_REACTION_MS) return true;
  ctx.wakeAt?.(at + K3S_REACTION_MS);
  return false;
}

export function syncK3sNodes(ctx: ControllerContext): boolean {
  let changed = false;
  const hosts = readHosts(ctx);
  for (const node of ctx.store.list('v1', 'Node')) {
    const finalizers = node.metadata.finalizers ?? [];
    if (!node.metadata.deletionTimestamp) {
      if (!finalizers.includes(K3S_NODE_FINALIZER)) {
        changed = mutateIfChanged(ctx.store, node, (o) => {
          o.metadata.finalizers = [...(o.metadata.finalizers ?? []), K3S_NODE_FINALIZER];
        }) || changed;
      }
      changed = syncNodeHosts(ctx, node, false, hosts) || changed;
      continue;
    }
    if (!finalizers.includes(K3S_NODE_FINALIZER) || !k3sHasSeenDeletion(ctx, node)) continue;
    deleteNodePassword(ctx, node.metadata.name);
    syncNodeHosts(ctx, node, true, hosts);
    ctx.store.mutate('v1', 'Node', node.metadata.name, undefined, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== K3S_NODE_FINALIZER);
    });
    changed = true;
  }
  return changed;
}
