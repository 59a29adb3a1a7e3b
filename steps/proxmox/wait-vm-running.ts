// proxmox.wait-vm-running: wait until a node's VM runs (status and, where the adapter reports
// it, QEMU's qmpstatus), e.g. after a start issued elsewhere.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { duration, nodeName } from '../schemas.js';
import { requireVm, vmExists } from './find-vm.js';
import { pve } from './permissions.js';
import { describeVmState, waitVmRunning } from './pve-polling.js';

export const proxmoxWaitVmRunning = defineStep({
  type: 'proxmox.wait-vm-running',
  description: 'Waits (polling every 250 ms) until the VM of a Kubernetes node is running.',
  params: z.object({ node: nodeName, timeout: duration.default(10 * 60_000) }).strict(),
  outputs: z.object({ vmid: z.number(), pveNode: z.string() }),
  uses: ['proxmox'],
  destructive: false,
  permissions: [pve(['VM.Audit'])],
  preflight: ({ params, adapters }) => vmExists(adapters.proxmox, params.node),
  async plan({ params, adapters }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    const s = await adapters.proxmox.getVmStatus(vm.node, vm.vmid);
    return [{ op: 'noop', target: `pve:${vm.node}/qemu/${vm.vmid}`, summary: `wait until running (now ${describeVmState(s)})` }];
  },
  async apply({ params, adapters, signal }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    await waitVmRunning(adapters.proxmox, vm.node, vm.vmid, params.timeout, signal);
    return { outputs: { vmid: vm.vmid, pveNode: vm.node } };
  },
});
