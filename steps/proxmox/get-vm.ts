// proxmox.get-vm: read-only facts about a node's VM for later steps (`${{ steps.vm.outputs.memory }}`):
// where it runs, its memory settings and power state. Changes nothing.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { nodeName } from '../schemas.js';
import { requireVm, vmExists } from './find-vm.js';
import { ballooningActive, describeMemory, memorySettings } from '../../src/proxmox-memory.js';
import { pve } from './permissions.js';

export const proxmoxGetVm = defineStep({
  type: 'proxmox.get-vm',
  description: 'Reads the VM of a Kubernetes node: vmid, PVE node, memory, balloon and status (read-only).',
  params: z.object({ node: nodeName }).strict(),
  outputs: z.object({
    vmid: z.number(),
    pveNode: z.string(),
    name: z.string(),
    memory: z.number(),
    /** null: not set (balloon device on, target = memory); 0: device off. */
    balloon: z.number().nullable(),
    ballooning: z.boolean(),
    status: z.string(),
  }),
  uses: ['proxmox'],
  destructive: false,
  permissions: [pve(['VM.Audit'])],
  preflight: ({ params, adapters }) => vmExists(adapters.proxmox, params.node),
  async plan({ params, adapters }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    const m = memorySettings(await adapters.proxmox.getVmConfig(vm.node, vm.vmid));
    return [{ op: 'noop', target: `pve:${vm.node}/qemu/${vm.vmid}`, summary: `read: ${vm.status}, ${describeMemory(m)}` }];
  },
  async apply({ params, adapters }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    const m = memorySettings(await adapters.proxmox.getVmConfig(vm.node, vm.vmid));
    const s = await adapters.proxmox.getVmStatus(vm.node, vm.vmid);
    return { outputs: { vmid: vm.vmid, pveNode: vm.node, name: vm.name, memory: m.memory, balloon: m.balloon ?? null, ballooning: ballooningActive(m), status: s.status } };
  },
});
