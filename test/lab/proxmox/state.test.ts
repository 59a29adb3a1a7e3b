import { describe, expect, it } from 'vitest';
import { ProxmoxState } from '../../../src/lab/proxmox/state.js';
import { applyUpdate, configDigest, parseUpdate } from '../../../src/lab/proxmox/vm-config.js';
import { spec } from './fixture.js';

describe('ProxmoxState', () => {
  it('computes the memory a guest sees from the applied config', () => {
    const s = ProxmoxState.fromSpec(spec());
    expect(s.effectiveMemoryMiB(101)).toBe(1200); // balloon 1200 < memory 4096
    expect(s.effectiveMemoryMiB(103)).toBe(0); // stopped
    expect(s.effectiveMemoryMiB(104)).toBe(2048); // no balloon target: memory
    expect(s.effectiveMemoryMiB(999)).toBe(0);
    expect(s.nodes()).toEqual([
      { name: 'pve1', memoryMiB: 16384, online: true },
      { name: 'pve2', memoryMiB: 8192, online: true },
    ]);
    const seen: Array<[number, string]> = [];
    s.on('vm-changed', (vm: { vmid: number; status: string }) => seen.push([vm.vmid, vm.status]));
    s.removeVm(104);
    expect(s.vm(104)).toBeUndefined();
    expect(seen).toEqual([[104, 'stopped']]);
  });

  it('rejects a spec with a VM on an unknown node or a duplicate VMID', () => {
    expect(() => ProxmoxState.fromSpec(spec({ vms: [{ vmid: 100, name: 'x', node: 'nope', memory: 512 }] }))).toThrow(/no PVE node 'nope'/);
    const dup = { vmid: 100, name: 'x', node: 'pve1', memory: 512 };
    expect(() => ProxmoxState.fromSpec(spec({ vms: [dup, dup] }))).toThrow(/twice/);
  });

  it('round-trips through JSON: config, pending, digest, locks, tasks, node status', () => {
    const s = ProxmoxState.fromSpec(spec());
    const vm = s.vm(102)!;
    applyUpdate(vm, parseUpdate({ memory: '2048', balloon: '0' }), true);
    s.setNodeOnline('pve2', false);
    const upid = s.startTask('qmstop', s.vm(101)!, 'root@pam');
    s.dispose();
    const digest = configDigest(vm);

    const json = JSON.parse(JSON.stringify(s.toJSON())) as unknown;
    const r = ProxmoxState.fromJSON(json);
    expect(r.vm(102)!.pending).toEqual({ memory: 2048, balloon: 0 });
    expect(configDigest(r.vm(102)!)).toBe(digest);
    expect(r.vm(104)!.lock).toBe('backup');
    expect(r.nodes().find((n) => n.name === 'pve2')!.online).toBe(false);
    expect(r.tokens()).toEqual(s.tokens());
    expect(r.rebootSeconds).toBe(0.2);
    // The stop that was running when the state was saved is finished on restore.
    expect(r.task(upid)).toMatchObject({ exitstatus: 'OK', endtime: expect.any(Number) });
    expect(r.vm(101)!.status).toBe('stopped');
    expect(r.secret).toBe(s.secret);
    expect(() => ProxmoxState.fromJSON({ nope: true })).toThrow(/snapshot/);
  });
});
