// proxmox.set-memory: fixed memory, balloon device off (the incident's "Set Memory to 2048MB,
// disable Ballooning Device"). Written with the digest just read, so a concurrent edit in the
// Proxmox UI makes this fail instead of being overwritten. On a running VM the change is
// pending until proxmox.reboot-vm; a VM with memory hotplug takes an increase at once, and a
// decrease its guest refuses stays pending too (write-memory.ts). The undo is journaled before
// the write, and a write that fails leaves nothing pending.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { nodeName } from '../schemas.js';
import { requireVm } from './find-vm.js';
import { describeMemory, memorySettings } from '../../src/proxmox-memory.js';
import type { MemorySettings } from '../../src/proxmox-memory.js';
import { pve } from './permissions.js';
import { DEFAULT_START_GRACE_MS, rebootAndWait } from './restart.js';
import { writeMemory } from './write-memory.js';

const params = z.object({ node: nodeName, memory: z.number().int().min(512), balloon: z.number().int().min(0).default(0) }).strict();

type Undo = { pveNode: string; vmid: number; before: MemorySettings };

export const proxmoxSetMemory = defineStep({
  type: 'proxmox.set-memory',
  description: 'Sets a VM\'s memory (MiB) and balloon (0 = device off) with digest locking; pending until reboot when running.',
  params,
  outputs: z.object({ vmid: z.number(), pveNode: z.string(), pending: z.boolean() }),
  uses: ['proxmox'],
  destructive: true,
  permissions: [pve(['VM.Audit', 'VM.Config.Memory', 'VM.PowerMgmt'])],
  async preflight({ params, adapters }) {
    if (params.balloon > params.memory) return [{ ok: false, message: `balloon ${params.balloon} MiB exceeds memory ${params.memory} MiB` }];
    const vm = await requireVm(adapters.proxmox, params.node);
    return [{ ok: true, message: `VM ${vm.vmid} (${vm.name}) on ${vm.node}` }];
  },
  async plan({ params, adapters }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    const before = memorySettings(await adapters.proxmox.getVmConfig(vm.node, vm.vmid));
    const after: MemorySettings = { memory: params.memory, balloon: params.balloon };
    if (before.memory === after.memory && before.balloon === after.balloon) return [{ op: 'noop', target: `pve:${vm.node}/qemu/${vm.vmid}`, summary: describeMemory(before) }];
    return [{ op: 'update', target: `pve:${vm.node}/qemu/${vm.vmid}`, summary: `${params.node}: memory/balloon`, before: describeMemory(before), after: describeMemory(after) }];
  },
  async apply({ params, adapters, saveObject, checkpoint, log }) {
    const vm = await requireVm(adapters.proxmox, params.node);
    const cfg = await adapters.proxmox.getVmConfig(vm.node, vm.vmid);
    await saveObject({ source: 'proxmox', ref: `${vm.node}/qemu/${vm.vmid}/config`, object: cfg.values });
    const before = memorySettings(cfg);
    if (before.memory !== params.memory || before.balloon !== params.balloon) {
      // Undo journaled before the write: a crash right after it still puts the old values back.
      await checkpoint({ pveNode: vm.node, vmid: vm.vmid, before } satisfies Undo);
      await writeMemory(adapters.proxmox, vm.node, vm.vmid, { memory: params.memory, balloon: params.balloon }, cfg.digest, log);
    }
    const pending = (await adapters.proxmox.getVmPending(vm.node, vm.vmid)).some((p) => (p.key === 'memory' || p.key === 'balloon') && p.pending !== undefined);
    const undo: Undo = { pveNode: vm.node, vmid: vm.vmid, before };
    return { outputs: { vmid: vm.vmid, pveNode: vm.node, pending }, undo };
  },
  async rollback({ adapters, signal, log }, undo: Undo) {
    const cfg = await adapters.proxmox.getVmConfig(undo.pveNode, undo.vmid);
    // The undo is journaled before the write: when the write never happened (refused, or a
    // crash first), the VM is as it was, nothing is pending, and nothing is written.
    const now = memorySettings(cfg);
    const pendingMemory = (await adapters.proxmox.getVmPending(undo.pveNode, undo.vmid)).some((p) => (p.key === 'memory' || p.key === 'balloon') && (p.pending !== undefined || p.delete));
    if (!pendingMemory && now.memory === undo.before.memory && now.balloon === undo.before.balloon) return;
    const values: Record<string, string | number> = { memory: undo.before.memory };
    if (undo.before.balloon === undefined) values.delete = 'balloon';
    else values.balloon = undo.before.balloon;
    await writeMemory(adapters.proxmox, undo.pveNode, undo.vmid, values, cfg.digest, log);
    // A running VM only takes the restored values at its next boot: reboot it now.
    const pending = (await adapters.proxmox.getVmPending(undo.pveNode, undo.vmid)).some((p) => p.pending !== undefined || p.delete);
    if (pending && (await adapters.proxmox.getVmStatus(undo.pveNode, undo.vmid)).status === 'running') {
      await rebootAndWait(adapters.proxmox, undo.pveNode, undo.vmid, { timeoutMs: 10 * 60_000, startGraceMs: DEFAULT_START_GRACE_MS, signal });
    }
  },
});
