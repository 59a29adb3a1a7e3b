// Plays a node's kubelet across a reboot of its VM in the Proxmox simulator (no kubelet runs
// here): when the VM stops, the node goes NotReady (what the node-lifecycle controller writes
// once the kubelet stops posting, with no grace period here); when it runs again, the kubelet
// posts Ready with the memory the guest now sees and the new boot's bootID. It posts Ready only once the run has read the
// node after the VM came back (audit log): the run then watches from what it read, so it sees
// the change; posted any earlier, its first read would end the wait and whether it needs
// `watch nodes` would depend on timing.
// The Ready write waits for the NotReady write of the same stop, so a slow PATCH can never land
// them in the wrong order.
import type { ProxmoxState, SimVm } from '../../../src/lab/proxmox/state.js';
import { auditedRequests } from './audit.js';
import type { Admin } from './admin.js';
import { playLoop } from './controller-loop.js';
import { bootID, READY } from './nodes.js';

const merge = 'application/merge-patch+json';

export function playNodeKubelet(admin: Admin, state: ProxmoxState, auditLogPath: string, users: () => string[]): () => Promise<void> {
  /** VM name (= node) -> when it ran again after a stop. */
  const booted = new Map<string, number>();
  /** VM name (= node) -> its NotReady write, in flight or done. */
  const notReady = new Map<string, Promise<unknown>>();
  const onChange = (vm: SimVm) => {
    if (vm.status === 'stopped') {
      booted.delete(vm.name);
      notReady.set(vm.name, admin.call('PATCH', `/api/v1/nodes/${vm.name}/status`, { status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }] } }, merge));
    } else if (vm.status === 'running' && vm.uptimeStartedAt !== undefined) {
      booted.set(vm.name, vm.uptimeStartedAt);
    }
  };
  state.on('vm-changed', onChange);
  const stopLoop = playLoop(async () => {
    for (const [node, since] of [...booted]) {
      const read = users().some((u) => auditedRequests(auditLogPath, u).some((r) => r.resource === 'nodes' && r.name === node && r.verb === 'get' && r.receivedMs > since));
      if (!read) continue;
      const vm = state.vms().find((v) => v.name === node);
      const memoryMiB = vm ? state.effectiveMemoryMiB(vm.vmid) : 0;
      await notReady.get(node);
      const status = { capacity: { memory: `${memoryMiB}Mi` }, conditions: [READY], nodeInfo: { bootID: bootID() } };
      await admin.must('PATCH', `/api/v1/nodes/${node}/status`, { status }, merge);
      booted.delete(node);
    }
  });
  return async () => {
    state.off('vm-changed', onChange);
    await stopLoop();
  };
}
