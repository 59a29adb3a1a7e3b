// etcd.quorum: a k3s cluster with embedded etcd runs one member per server (the Nodes with the
// etcd role; k3s's metadata controller names the member in `etcd.k3s.cattle.io/node-name`).
// etcd keeps working while a majority of members is up: with no member to spare, one more
// server down stops the API. Members are counted from the Nodes, the one view a client has
// (the member list itself is inside etcd); a server NotReady is counted as down.
import { ETCD_NODE_NAME } from '../../k3s-facts.js';
import { isEtcdMember, isNodeReady } from '../../kube-facts.js';
import { LESSONS } from '../lessons.js';
import type { Check, Finding } from '../types.js';

export const etcdQuorum: Check = ({ snap }) => {
  const members = snap.nodes.filter(isEtcdMember);
  if (members.length < 2) return [];
  const down = members.filter((n) => !isNodeReady(n));
  if (!down.length) return [];
  const up = members.length - down.length;
  const quorum = Math.floor(members.length / 2) + 1;
  const spare = up - quorum;
  const finding: Finding = {
    id: 'etcd-quorum',
    check: 'etcd.quorum',
    severity: spare < 0 ? 'critical' : spare === 0 ? 'warning' : 'info',
    title: spare < 0
      ? `etcd has lost quorum: ${up} of ${members.length} members up, ${quorum} needed`
      : `etcd runs on ${up} of ${members.length} members (quorum ${quorum})${spare === 0 ? ': one more server down stops the API' : ''}`,
    objects: down.map((n) => `node/${n.metadata.name}`),
    evidence: [
      ...down.map((n) => `member ${n.metadata.annotations?.[ETCD_NODE_NAME] ?? `of ${n.metadata.name} (no ${ETCD_NODE_NAME} annotation: k3s cannot remove it when the Node is deleted)`} on ${n.metadata.name}: node not Ready`),
      'a server gone for good is removed with its Node (purge-dead-node): k3s then removes its etcd member, and quorum is counted without it',
    ],
    lesson: LESSONS.etcdQuorum,
  };
  return [finding];
};
