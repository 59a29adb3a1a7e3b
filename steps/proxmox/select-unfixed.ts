// proxmox.select-unfixed: of these nodes, the ones whose VM is not yet at fixed memory
// (memory differs, the balloon device is on, or a change is still pending). Read-only: the
// planner runs it, so a second fix-ballooning run plans nothing for nodes already done.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { nodeName } from '../schemas.js';
import { requireVm } from './find-vm.js';
import { memorySettings } from '../../src/proxmox-memory.js';
import { pve } from './permissions.js';

export const proxmoxSelectUnfixed = defineStep({
  type: 'proxmox.select-unfixed',
  description: 'Selects the nodes whose VM does not yet have this fixed memory with ballooning off (read-only; evaluated at plan time).',
  params: z.object({ nodes: z.array(nodeName).min(1), memory: z.number().int().positive() }).strict(),
  outputs: z.object({ nodes: z.array(z.string()), done: z.array(z.string()) }),
  uses: ['proxmox'],
  destructive: false,
  readOnly: true,
  permissions: [pve(['VM.Audit'], '/vms')],
  async plan({ params }) {
    return [{ op: 'noop', target: `pve:${params.nodes.join(',')}`, summary: `select the nodes not yet at ${params.memory} MiB without ballooning` }];
  },
  async apply({ params, adapters }) {
    const nodes: string[] = [];
    const done: string[] = [];
    for (const node of params.nodes) {
      const vm = await requireVm(adapters.proxmox, node);
      const current = memorySettings(await adapters.proxmox.getVmConfig(vm.node, vm.vmid));
      const pending = (await adapters.proxmox.getVmPending(vm.node, vm.vmid)).some((p) => (p.key === 'memory' || p.key === 'balloon') && (p.pending !== undefined || p.delete));
      (current.memory === params.memory && current.balloon === 0 && !pending ? done : nodes).push(node);
    }
    return { outputs: { nodes, done } };
  },
});
