// proxmox.reboot-vm: reboot through the API (POST status/reboot), the only way pending memory
// and balloon changes take effect; waits for the reboot (a shutdown in PVE) and until the VM
// runs again, starting it if Proxmox did not (restart.ts). A VM that is stopped is started
// instead. Outputs the node's bootID from before the reboot, for k8s.wait-node-ready's
// `rebootedFrom`: the Node's stale Ready status says nothing until the kubelet posts a new one.
// Once the reboot is sent the step checkpoints, so the engine never retries it (no second
// reboot); its rollback starts a VM that was left stopped, and can't undo the reboot itself.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { plannedEarlier } from '../../src/engine/planned.js';
import { nodeRef } from '../../src/kube-facts.js';
import { duration, nodeName } from '../schemas.js';
import { nodeBootID } from '../k8s/boot-id.js';
import { kube } from '../k8s/permissions.js';
import { requireVm } from './find-vm.js';
import { pve } from './permissions.js';
import { DEFAULT_START_GRACE_MS, ensureRunning, rebootAndWait } from './restart.js';

const params = z
  .object({
    node: nodeName,
    timeout: duration.default(10 * 60_000),
    onlyIfPending: z.boolean().default(false),
    /** how long PVE waits for the guest to power off (PVE's default, 60 s, when absent) */
    shutdownTimeout: duration.optional(),
    /** how long Proxmox gets to start the VM again before the step starts it */
    startGrace: duration.default(DEFAULT_START_GRACE_MS),
  })
  .strict();

/** startGraceMs: absent in journals written before it existed */
type Undo = { pveNode: string; vmid: number; startGraceMs?: number };

export const proxmoxRebootVm = defineStep({
  type: 'proxmox.reboot-vm',
  description: 'Reboots a VM through the Proxmox API (applies pending changes) and waits until it runs again.',
  params,
  outputs: z.object({ upid: z.string(), bootID: z.string().nullable() }),
  uses: ['proxmox', 'kube'],
  destructive: true,
  permissions: [pve(['VM.Audit', 'VM.PowerMgmt']), kube('nodes', ['get'])],
  async preflight({ params, adapters }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    return [{ ok: true, message: `VM ${vm.vmid} on ${vm.node} is ${vm.status}` }];
  },
  async plan({ params, adapters, planned }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    const target = `pve:${vm.node}/qemu/${vm.vmid}`;
    const pending = await adapters.proxmox.getVmPending(vm.node, vm.vmid);
    const changes = pending.filter((p) => p.pending !== undefined || p.delete).map((p) => p.key);
    // Pending only once an earlier step of this run has set it: the reboot applies that change.
    const setEarlier = plannedEarlier(planned, target, ['proxmox.set-memory']);
    if (setEarlier) return [{ op: 'action', target, summary: `reboot ${params.node}: applies the memory change set by ${setEarlier.step.key}${typeof setEarlier.change.after === 'string' ? ` (${setEarlier.change.after})` : ''}` }];
    if (params.onlyIfPending && !changes.length) return [{ op: 'noop', target, summary: 'no pending changes' }];
    return [{ op: 'action', target, summary: `reboot ${params.node}${changes.length ? ` (applies pending: ${changes.join(', ')})` : ''}` }];
  },
  async apply({ params, adapters, signal, checkpoint }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    if (params.onlyIfPending) {
      const pending = await adapters.proxmox.getVmPending(vm.node, vm.vmid);
      if (!pending.some((p) => p.pending !== undefined || p.delete)) return { outputs: { upid: '', bootID: null as string | null } };
    }
    const bootID = nodeBootID(await adapters.kube.get(nodeRef(params.node)));
    const undo: Undo = { pveNode: vm.node, vmid: vm.vmid, startGraceMs: params.startGrace };
    await checkpoint(undo);
    const upid = await rebootAndWait(adapters.proxmox, vm.node, vm.vmid, {
      timeoutMs: params.timeout,
      ...(params.shutdownTimeout !== undefined ? { shutdownTimeoutMs: params.shutdownTimeout } : {}),
      startGraceMs: params.startGrace,
      signal,
    });
    return { outputs: { upid, bootID }, undo };
  },
  async rollback({ adapters, signal }, undo: Undo) {
    await ensureRunning(adapters.proxmox, undo.pveNode, undo.vmid, { timeoutMs: 10 * 60_000, startGraceMs: undo.startGraceMs ?? DEFAULT_START_GRACE_MS, signal });
  },
});
