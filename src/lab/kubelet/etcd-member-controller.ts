// k3s's managed etcd member controller (k3s-io/k3s pkg/etcd/member_controller.go), registered
// with wrangler's OnRemove under the name `managed-etcd-controller`: wrangler's lifecycle adapter
// (rancher/wrangler pkg/generic/remove.go) puts `wrangler.cattle.io/managed-etcd-controller` on
// every Node (no condition), not only on servers. When a Node is deleted, onRemove skips nodes
// without the etcd role label; for an etcd node it needs the `etcd.k3s.cattle.io/node-name` and
// `node-address` annotations (else it returns an error and the finalizer stays, retried forever)
// and removes that member (pkg/etcd/etcd.go RemovePeer); an error from etcd keeps it too.
// Only a cluster with embedded etcd runs it (registerMemberHandlers returns when etcd is off).
import { ETCD_FINALIZER, ETCD_NODE_ADDRESS, ETCD_NODE_NAME } from '../../k3s-facts.js';
import { k3sHasSeenDeletion } from './k3s-node-controller.js';
import { nodeVmid } from './node-model.js';
import { EtcdRemovalError, type EtcdMember } from './etcd-members.js';
import type { ControllerContext, KubeObject } from './types.js';


/** Why the member could not be removed (what k3s logs), or undefined once it is removed. */
function removeMember(ctx: ControllerContext, node: KubeObject): string | undefined {
  const etcd = ctx.etcd!;
  const name = node.metadata.annotations?.[ETCD_NODE_NAME];
  if (name === undefined) return `node name annotation for node ${node.metadata.name} not found`;
  const address = node.metadata.annotations?.[ETCD_NODE_ADDRESS];
  if (address === undefined) return `node address annotation for node ${node.metadata.name} not found`;
  const running = (m: EtcdMember) => {
    const host = ctx.store.get('v1', 'Node', m.node);
    const vmid = host ? nodeVmid(host) : undefined;
    return vmid !== undefined && ctx.proxmox.vm(vmid)?.status === 'running';
  };
  try {
    etcd.members.remove(name, address, running);
  } catch (e) {
    if (e instanceof EtcdRemovalError) return e.message;
    throw e;
  }
  return undefined;
}

export function syncEtcdMembers(ctx: ControllerContext): boolean {
  if (!ctx.etcd) return false;
  let changed = false;
  for (const node of ctx.store.list('v1', 'Node')) {
    const finalizers = node.metadata.finalizers ?? [];
    if (!node.metadata.deletionTimestamp) {
      if (finalizers.includes(ETCD_FINALIZER)) continue;
      ctx.store.mutate('v1', 'Node', node.metadata.name, undefined, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), ETCD_FINALIZER];
      });
      changed = true;
      continue;
    }
    if (!finalizers.includes(ETCD_FINALIZER) || !k3sHasSeenDeletion(ctx, node)) continue;
    const isEtcd = node.metadata.labels?.['node-role.kubernetes.io/etcd'] !== undefined; // EtcdRoleLabel
    const error = isEtcd ? removeMember(ctx, node) : undefined;
    if (error !== undefined) {
      ctx.etcd.lastErrors.set(node.metadata.name, error);
      continue;
    }
    ctx.etcd.lastErrors.delete(node.metadata.name);
    ctx.store.mutate('v1', 'Node', node.metadata.name, undefined, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== ETCD_FINALIZER);
    });
    changed = true;
  }
  return changed;
}
