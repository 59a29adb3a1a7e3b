// What k3s does when a Node is deleted, for the steps that delete one: which controller owns
// each finalizer k3s puts on Nodes, and why a stuck one does not clear (read from k3s-io/k3s
// pkg/node/controller.go and pkg/etcd/member_controller.go; the lab simulates both).
import type { KubeObject } from '../../src/adapters/ports.js';
import { ETCD_FINALIZER, ETCD_NODE_ADDRESS, ETCD_NODE_NAME, K3S_NODE_FINALIZER } from '../../src/k3s-facts.js';
import { isEtcdMember } from '../../src/kube-facts.js';

const CONTROLLERS: Record<string, string> = {
  [K3S_NODE_FINALIZER]: "k3s's node controller (removes the node-password secret and the CoreDNS NodeHosts entry)",
  [ETCD_FINALIZER]: "k3s's etcd member controller (removes the node's etcd member)",
};

/** The controller a finalizer belongs to, in words. */
export function finalizerOwner(finalizer: string): string {
  return CONTROLLERS[finalizer] ?? `whatever controller owns ${finalizer}`;
}

/** The etcd annotations k3s's member controller needs to remove this node's member, missing ones named. */
export function missingEtcdAnnotations(node: KubeObject): string[] {
  if (!isEtcdMember(node)) return [];
  return [ETCD_NODE_NAME, ETCD_NODE_ADDRESS].filter((a) => node.metadata.annotations?.[a] === undefined);
}

/** Why the Node is still there: each finalizer left with its controller, and what is known to block it. */
export function stuckFinalizers(node: KubeObject): string {
  const parts = (node.metadata.finalizers ?? []).map((f) => {
    const missing = f === ETCD_FINALIZER ? missingEtcdAnnotations(node) : [];
    return `${f} (${CONTROLLERS[f] ?? 'not a k3s finalizer: its own controller must remove it'})${missing.length ? `, which cannot work: the node has no ${missing.join(' / ')} annotation` : ''}`;
  });
  return parts.length ? `waiting for ${parts.join('; ')}` : 'no finalizers left';
}
