// The embedded etcd's member list of a k3s cluster with servers (etcd is not a Kubernetes
// object: the lab keeps it beside the store and persists it with the lab state). A member is
// named as k3s names it, `<node>-<8 hex>`, and joined by its node's InternalIP; it runs while
// its node's VM runs.
import { createHash } from 'node:crypto';

export interface EtcdMember {
  /** etcd's member name, what the `etcd.k3s.cattle.io/node-name` annotation holds. */
  name: string;
  /** the host of its peer URL, what `etcd.k3s.cattle.io/node-address` holds. */
  address: string;
  /** the Node it runs on (for the lab: is its VM running). */
  node: string;
}

/** k3s names a member after its node plus a random suffix; the lab derives the suffix. */
export function etcdMemberName(node: string): string {
  return `${node}-${createHash('sha256').update(`etcd/${node}`).digest('hex').slice(0, 8)}`;
}

export class EtcdRemovalError extends Error {}

export class EtcdMembers {
  private members: EtcdMember[];

  constructor(members: readonly EtcdMember[] = []) {
    this.members = members.map((m) => ({ ...m }));
  }

  list(): EtcdMember[] {
    return this.members.map((m) => ({ ...m }));
  }

  /**
   * k3s's RemovePeer (pkg/etcd/etcd.go): the member whose name AND peer host match is removed;
   * none matching is no error. etcd's strict reconfig check (server/etcdserver/server.go
   * mayRemoveMember, api/membership/cluster.go IsReadyToRemoveVotingMember) refuses to remove a
   * member that is still running when the members left running would be fewer than a quorum of
   * those left; a member that is down is always safe to remove.
   */
  remove(name: string, address: string, running: (m: EtcdMember) => boolean): EtcdMember | undefined {
    const member = this.members.find((m) => m.name === name && m.address === address);
    if (!member) return undefined;
    const rest = this.members.filter((m) => m !== member);
    if (running(member)) {
      const quorum = Math.floor(rest.length / 2) + 1;
      if (rest.filter(running).length < quorum) throw new EtcdRemovalError('etcdserver: unhealthy cluster');
    }
    this.members = rest;
    return { ...member };
  }

  toJSON(): EtcdMember[] {
    return this.list();
  }
}
