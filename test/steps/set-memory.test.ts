// proxmox.set-memory on a VM that hotplugs memory: PVE writes the values to [PENDING], then
// hotplugs them; a decrease the guest cannot unplug stays pending for the reboot, any other
// refusal (under 1024 MiB) is a 400 after which the step leaves nothing pending. The step
// journals its undo before the write.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { HEAD, adapters, outputsOf, run, startProxmoxLab } from './fixture.js';
import type { ProxmoxLab } from './fixture.js';

let pve: ProxmoxLab;
beforeEach(async () => {
  pve = await startProxmoxLab({
    nodes: [{ name: 'pve1', memoryMiB: 16384, cpus: 8 }],
    vms: [{ vmid: 101, name: 'k3s-server-0', node: 'pve1', memory: 4096, balloon: 1200, cores: 2 }],
    rebootSeconds: 0.2,
  });
  Object.assign(pve.state.vm(101)!.config, { hotplug: 'network,disk,usb,memory', numa: 1 });
});
afterEach(() => pve.stop());

const setMemory = (memory: number) => `${HEAD}steps:
  - { id: memory, uses: proxmox.set-memory, with: { node: k3s-server-0, memory: ${memory}, balloon: 0 } }
`;

describe('proxmox.set-memory with memory hotplug', () => {
  test('a decrease the guest will not unplug stays pending for the reboot, as on a VM without hotplug', async () => {
    const out = await run(setMemory(2048), adapters({ proxmox: pve }));
    expect(out.status, out.message).toBe('succeeded');
    expect(outputsOf(out, 'memory')).toMatchObject({ pending: true });
    expect(pve.state.vm(101)).toMatchObject({ config: { memory: 4096, balloon: 1200 }, pending: { memory: 2048, balloon: 0 } });
  });

  test('a refused hotplug fails the step with the 400, reverts the pending values, and had journaled its undo first', async () => {
    const out = await run(setMemory(768), adapters({ proxmox: pve }));
    expect(out.status).toBe('rolled-back');
    expect(out.message).toContain("hotplug problem - memory can't be lower than 1024 MB");
    expect(out.message).toContain('the pending memory and balloon change was reverted');
    expect(pve.state.vm(101)).toMatchObject({ config: { memory: 4096, balloon: 1200 }, pending: {} });
    const kinds = out.journal.map((r) => r.t);
    expect(kinds.indexOf('step-checkpoint')).toBeGreaterThan(kinds.indexOf('object-saved'));
    expect(out.journal.find((r) => r.t === 'step-checkpoint')).toMatchObject({ undo: { vmid: 101, before: { memory: 4096, balloon: 1200 } } });
  });

  test('the rollback of a hotplugged increase takes the refused decrease back through a reboot', async () => {
    const out = await run(`${HEAD}steps:
  - { id: memory, uses: proxmox.set-memory, with: { node: k3s-server-0, memory: 6144, balloon: 0 } }
  - { id: boom, uses: test.fail, needs: [memory] }
`, adapters({ proxmox: pve }));
    expect(out.status).toBe('rolled-back');
    expect(out.rollback).toMatchObject({ ok: true, rolledBack: ['memory'] });
    expect(pve.state.vm(101)).toMatchObject({ status: 'running', config: { memory: 4096, balloon: 1200 }, pending: {} });
    expect(pve.state.tasks().filter((t) => t.type === 'qmreboot')).toHaveLength(1);
  });

  test('an increase is hotplugged at once; the balloon device change stays pending for the reboot', async () => {
    const out = await run(setMemory(6144), adapters({ proxmox: pve }));
    expect(out.status, out.message).toBe('succeeded');
    expect(outputsOf(out, 'memory')).toMatchObject({ pending: true });
    expect(pve.state.vm(101)).toMatchObject({ config: { memory: 6144, balloon: 1200 }, pending: { balloon: 0 } });
  });
});
