// k8s.assert-node-dead: the preflight of purge-dead-node. A node may be purged only when it is
// really dead (NotReady long enough, its VM gone or stopped) and removing it keeps the control
// plane alive (another control-plane node Ready, etcd quorum among the remaining members).
// "VM gone" needs positive evidence (vm-evidence.ts): not being listed in Proxmox is not one.
import { z } from '../../src/zod.js';
import type { CheckResult } from '../../src/step/define-step.js';
import { defineStep } from '../../src/step/define-step.js';
import { formatDuration } from '../../src/runbook/duration.js';
import { vmDeadCheck } from './vm-evidence.js';
import { duration, nodeName } from '../schemas.js';
import { NODE, isControlPlane, isEtcdMember, isNodeReady, nodeRef, notReadyForMs } from '../../src/kube-facts.js';
import { pve } from '../proxmox/permissions.js';
import { kube } from './permissions.js';

export const k8sAssertNodeDead = defineStep({
  type: 'k8s.assert-node-dead',
  description: 'Checks that a node is dead (NotReady for a while, VM stopped or gone) and that removing it keeps control plane and etcd quorum.',
  params: z.object({
    node: nodeName,
    minNotReady: duration.default(5 * 60_000),
    checkVm: z.boolean().default(true),
    /** The user's word that the VM was deleted: the evidence when Proxmox can't give one. */
    vmGone: z.boolean().default(false),
  }).strict(),
  uses: ['kube', 'proxmox'],
  destructive: false,
  permissions: [kube('nodes', ['get', 'list']), pve(['VM.Audit'], '/vms')],
  async preflight({ params, adapters }) {
    const results: CheckResult[] = [];
    const node = await adapters.kube.get(nodeRef(params.node));
    if (!node) return [{ ok: true, message: `node ${params.node} is already gone from the cluster` }];
    const down = notReadyForMs(node, Date.now());
    if (isNodeReady(node)) results.push({ ok: false, message: `node ${params.node} is Ready`, hint: 'purge-dead-node only removes dead nodes; drain and delete live ones yourself' });
    else if (down < params.minNotReady) results.push({ ok: false, message: `node ${params.node} has been NotReady for ${formatDuration(down)}, less than ${formatDuration(params.minNotReady)}`, hint: 'wait, or lower --min-not-ready if you are sure it is gone' });
    else results.push({ ok: true, message: `node ${params.node} NotReady for ${formatDuration(down)}` });
    if (params.checkVm) results.push(await vmDeadCheck(adapters.proxmox, params.node, params.vmGone));
    const others = (await adapters.kube.list(NODE)).filter((n) => n.metadata.name !== params.node);
    if (isControlPlane(node) && !others.some((n) => isControlPlane(n) && isNodeReady(n))) {
      results.push({ ok: false, message: 'no other control-plane node is Ready', hint: 'removing it would leave the cluster without a control plane' });
    }
    if (isEtcdMember(node)) {
      const members = others.filter(isEtcdMember);
      const healthy = members.filter(isNodeReady).length;
      const quorum = Math.floor(members.length / 2) + 1;
      results.push(healthy >= quorum
        ? { ok: true, message: `etcd keeps quorum: ${healthy}/${members.length} remaining members Ready (need ${quorum})` }
        : { ok: false, message: `etcd would lose quorum: ${healthy}/${members.length} remaining members Ready, need ${quorum}`, hint: 'bring another server back before removing this member' });
    }
    return results;
  },
  async plan({ params }) {
    return [{ op: 'noop', target: `node/${params.node}`, summary: 'checks only' }];
  },
  async apply() {
    return {};
  },
});
