// Names k3s gives things on a cluster's Nodes, shared by the lab (which simulates k3s), the
// steps (which must cope with it) and the diagnosis (which explains a Node that will not go). Read from k3s-io/k3s pkg/node/controller.go,
// pkg/etcd/member_controller.go, pkg/etcd/metadata_controller.go and pkg/nodepassword, and
// rancher/wrangler pkg/generic/remove.go (finalizer = "wrangler.cattle.io/" + handler name).
import type { KubeObject } from './adapters/ports.js';
import { isEtcdMember } from './kube-facts.js';

/** k3s's node controller: node-password secret and CoreDNS NodeHosts. */
export const K3S_NODE_FINALIZER = 'wrangler.cattle.io/node';
/** k3s's etcd member controller: removes the node's etcd member. */
export const ETCD_FINALIZER = 'wrangler.cattle.io/managed-etcd-controller';
/** etcd's member name and peer host, set on servers by k3s's etcd metadata controller. */
export const ETCD_NODE_NAME = 'etcd.k3s.cattle.io/node-name';
export const ETCD_NODE_ADDRESS = 'etcd.k3s.cattle.io/node-address';

/** The Secret in kube-system holding the hash of a node's password. */
export function nodePasswordSecretName(node: string): string {
  return `${node}.node-password.k3s`;
}

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

/** Why a deleted Node is still there: each finalizer left with its controller, and what is known to block it. */
export function stuckFinalizers(node: KubeObject): string {
  const parts = (node.metadata.finalizers ?? []).map((f) => {
    const missing = f === ETCD_FINALIZER ? missingEtcdAnnotations(node) : [];
    return `${f} (${CONTROLLERS[f] ?? 'not a k3s finalizer: its own controller must remove it'})${missing.length ? `, which cannot work: the node has no ${missing.join(' / ')} annotation` : ''}`;
  });
  return parts.length ? `waiting for ${parts.join('; ')}` : 'no finalizers left';
}
