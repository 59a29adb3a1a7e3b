// Names k3s gives things on a cluster's Nodes, shared by the lab (which simulates k3s) and the
// steps (which must cope with it). Read from k3s-io/k3s pkg/node/controller.go,
// pkg/etcd/member_controller.go, pkg/etcd/metadata_controller.go and pkg/nodepassword, and
// rancher/wrangler pkg/generic/remove.go (finalizer = "wrangler.cattle.io/" + handler name).

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
