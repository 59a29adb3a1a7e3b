// node.dead: a node NotReady longer than the threshold whose VM is missing or stopped, with
// everything still bound to it (pods, PVCs, PVs pinned by local-path). NotReady with the VM
// running is a node to reboot, not to purge; without Proxmox the VM is not checked.
import type { KubeObject } from '../../adapters/ports.js';
import { vmsByName } from '../inventory.js';
import { LESSONS, RUNBOOKS } from '../lessons.js';
import { isNodeReady, notReadyForMs } from '../../kube-facts.js';
import { boundToNode } from '../node-facts.js';
import { conditionOf, formatDuration, objectName } from '../objects.js';
import type { Check, CheckContext, Finding } from '../types.js';

function vmState(ctx: CheckContext, node: KubeObject): { line: string; gone: boolean | undefined; vmid?: number } {
  const px = ctx.snap.proxmox;
  if (!px) return { line: 'VM not checked (no Proxmox connection)', gone: undefined };
  if (px.errors.some((e) => e.startsWith('list VMs'))) return { line: 'VM not checked (Proxmox VM list failed)', gone: undefined };
  const vm = vmsByName(px.vms).get(node.metadata.name);
  const gone = px.vmsGone.get(node.metadata.name);
  if (!vm && gone) return { line: `its VM ${gone.vmid} does not exist any more (${gone.message})`, gone: true, vmid: gone.vmid };
  // Not listed is no proof (the listing leaves out VMs the token may not audit): purge-dead-node's
  // preflight refuses on it alone too, so the finding says what would prove it.
  if (!vm) return { line: `no Proxmox VM named ${node.metadata.name} is listed: not proof it is gone (map the node in an inventory, or confirm with --vm-gone)`, gone: undefined };
  return { line: `VM ${vm.vmid} on ${vm.node} is ${vm.status}`, gone: vm.status !== 'running', vmid: vm.vmid };
}

export const deadNodes: Check = (ctx) => {
  const { snap, opts } = ctx;
  const out: Finding[] = [];
  for (const node of snap.nodes) {
    if (isNodeReady(node)) continue;
    const downMs = notReadyForMs(node, snap.now);
    if (downMs < opts.notReadyThresholdMs) continue;
    const name = node.metadata.name;
    const ready = conditionOf(node, 'Ready');
    const vm = vmState(ctx, node);
    const bound = boundToNode(name, snap.pods, snap.pvs, snap.pvcs);
    const evidence = [
      `Ready=${ready?.status ?? 'missing'}${ready?.reason ? ` (${ready.reason})` : ''} for ${formatDuration(downMs)} (threshold ${formatDuration(opts.notReadyThresholdMs)})`,
      vm.line,
      ...bound.pods.map((p) => `pod ${p.metadata.namespace}/${p.metadata.name} still bound`),
      ...bound.pvcs.map((c) => `pvc ${c.metadata.namespace}/${c.metadata.name} pinned to ${name}`),
      ...bound.pvs.map((pv) => `pv ${pv.metadata.name} pinned to ${name}${pv.metadata.deletionTimestamp ? ` (Terminating, finalizers ${(pv.metadata.finalizers ?? []).join(',') || 'none'})` : ''}`),
    ];
    const objects = [`node/${name}`, ...(vm.vmid !== undefined ? [`qemu/${vm.vmid}`] : []), ...bound.pods.map(objectName), ...bound.pvcs.map(objectName), ...bound.pvs.map(objectName)];
    if (vm.gone === false) {
      out.push({
        id: `not-ready:${name}`,
        check: 'node.not-ready',
        severity: 'critical',
        title: `${name} NotReady for ${formatDuration(downMs)} while its VM runs`,
        objects,
        evidence,
        lesson: LESSONS.notReady,
        fix: { runbook: RUNBOOKS.rebootNode, params: { node: name } },
      });
      continue;
    }
    out.push({
      id: `dead-node:${name}`,
      check: 'node.dead',
      severity: vm.gone ? 'critical' : 'warning',
      title: `${name} is dead (NotReady ${formatDuration(downMs)}${vm.gone ? ', VM gone' : ''}) with ${bound.pods.length} pod(s) and ${bound.pvcs.length} claim(s) still bound`,
      objects,
      evidence,
      lesson: LESSONS.deadNode,
      fix: { runbook: RUNBOOKS.purgeDeadNode, params: { node: name } },
    });
  }
  return out;
};
