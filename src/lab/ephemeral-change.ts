// Changes a restarted lab does not need from its saved state: node heartbeats (a Node whose
// only change is its conditions' lastHeartbeatTime) and the kubelets' node Leases. Saving the
// 30 MB state of a 500-node lab for each of them kept an idle lab writing every 2 seconds; the
// simulated kubelets post both again as soon as the lab runs.
import type { StoreEvent } from './kube/store.js';

function withoutHeartbeats(node: StoreEvent['object']): string {
  const { metadata, status, ...rest } = node;
  const { resourceVersion: _rv, ...meta } = metadata;
  const conditions = ((status as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? []).map(({ lastHeartbeatTime: _h, ...c }) => c);
  return JSON.stringify([rest, meta, { ...(status as object | undefined), conditions }]);
}

/** Per event: the store hands every listener the same event (the saver and the control loop both ask). */
const answers = new WeakMap<StoreEvent, boolean>();

export function isEphemeralChange(e: StoreEvent): boolean {
  const o = e.object;
  if (o.kind === 'Lease' && o.metadata.namespace === 'kube-node-lease') return true;
  if (e.type !== 'MODIFIED' || o.kind !== 'Node' || e.oldObject === undefined) return false;
  let answer = answers.get(e);
  if (answer === undefined) answers.set(e, (answer = withoutHeartbeats(o) === withoutHeartbeats(e.oldObject)));
  return answer;
}
