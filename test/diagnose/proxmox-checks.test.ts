// Ballooning, configured-vs-reported memory and host overcommit, each where it must fire and
// where it must not; nodes are matched to VMs by name.
import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../src/diagnose/diagnose.js';
import { ballooning } from '../../src/diagnose/checks/ballooning.js';
import { capacityMismatch } from '../../src/diagnose/checks/capacity-mismatch.js';
import { hostOvercommit } from '../../src/diagnose/checks/host-overcommit.js';
import { node, options, proxmox, snapshot } from './fixtures.js';

const vm = (vmid: number, name: string, memory: number, balloon?: number, status = 'running') => ({ node: 'pve', vmid, name, status, memory, ...(balloon !== undefined ? { balloon } : {}) });

describe('proxmox.ballooning', () => {
  it('is critical when the balloon target is below the configured memory, a warning when the device is merely on', () => {
    const snap = snapshot({
      nodes: [node('w0', { capacity: '516Mi' }), node('s1'), node('s2'), node('fixed')],
      proxmox: proxmox([vm(111, 'w0', 4096, 516), vm(102, 's1', 2048, 2048), vm(103, 's2', 2048), vm(104, 'fixed', 2048, 0)], 16384),
    });
    const found = ballooning({ snap, opts: options() });
    expect(found.map((f) => [f.id, f.severity])).toEqual([
      ['ballooning:w0', 'critical'],
      ['ballooning:s1', 'warning'],
      ['ballooning:s2', 'warning'],
    ]);
    expect(found[0]!.objects).toEqual(['node/w0', 'qemu/111']);
    expect(found[0]!.evidence).toContain('memory 4096 MiB, balloon 516 MiB on PVE node pve');
    expect(found[0]!.fix).toEqual({ runbook: 'fix-ballooning', params: { nodes: ['w0'], memory: 4096 } });
    expect(found[0]!.lesson).toMatch(/^Never balloon Kubernetes nodes/);
  });

  it('ignores VMs that back no node and names shared by two VMs', () => {
    const snap = snapshot({ nodes: [node('dup')], proxmox: proxmox([vm(1, 'other', 4096, 512), vm(2, 'dup', 4096, 512), vm(3, 'dup', 4096, 512)]) });
    expect(ballooning({ snap, opts: options() })).toEqual([]);
  });
});

describe('proxmox.capacity-mismatch', () => {
  it('fires on 516Mi seen of 4096 MiB configured, not on the few percent a guest kernel keeps', () => {
    const snap = snapshot({
      nodes: [node('w0', { capacity: '516Mi' }), node('ok', { capacity: '1900Mi' })],
      proxmox: proxmox([vm(111, 'w0', 4096, 516), vm(101, 'ok', 2048, 0)]),
    });
    const found = capacityMismatch({ snap, opts: options() });
    expect(found.map((f) => f.id)).toEqual(['capacity:w0']);
    expect(found[0]!.evidence[0]).toBe('configured 4096 MiB, node capacity 516Mi (13%)');
  });
});

describe('proxmox.host-overcommit', () => {
  it('fires when running VMs are configured beyond the host, proposing an equal share, workers first', () => {
    const snap = snapshot({
      nodes: [node('s0', { controlPlane: true }), node('w0'), node('w1')],
      proxmox: proxmox([vm(101, 's0', 2048, 1228), vm(111, 'w0', 4096, 516), vm(112, 'w1', 4096, 550), vm(113, 'gone', 4096, undefined, 'stopped')], 8192),
    });
    const [f] = hostOvercommit({ snap, opts: options() });
    expect(f!.id).toBe('host-overcommit:pve');
    expect(f!.title).toContain('10240 MiB, it has 8192 MiB (125%)');
    // (8192 - 1024 kept for the host) / 3, rounded down to 256 MiB.
    expect(f!.fix).toEqual({ runbook: 'fix-ballooning', params: { nodes: ['w0', 'w1', 's0'], memory: 2304 } });
  });

  it('does not fire at exactly the host size (the healthy 4 x 2048 on 8192)', () => {
    const snap = snapshot({ nodes: ['a', 'b', 'c', 'd'].map((n) => node(n)), proxmox: proxmox(['a', 'b', 'c', 'd'].map((n, i) => vm(100 + i, n, 2048, 0)), 8192) });
    expect(hostOvercommit({ snap, opts: options() })).toEqual([]);
  });
});

describe('without Proxmox', () => {
  it('the Proxmox checks stay silent and a failed read is reported instead of looking healthy', () => {
    expect(findingsOf(snapshot({ nodes: [node('a')] }), options())).toEqual([]);
    const px = { ...proxmox([]), errors: ['list VMs: 401 unauthorized'] };
    const found = findingsOf(snapshot({ nodes: [node('a')], proxmox: px }), options());
    expect(found.map((f) => [f.check, f.severity])).toEqual([['read.proxmox', 'warning']]);
    const unreachable = { ...proxmox([]), errors: ['list VMs: cannot reach Proxmox at https://127.0.0.1:45999 (ECONNREFUSED)'] };
    expect(findingsOf(snapshot({ nodes: [node('a')], proxmox: unreachable }), options()).map((f) => f.title)).toEqual(['Proxmox: could not read VMs: cannot reach Proxmox at https://127.0.0.1:45999 (ECONNREFUSED)']);
  });
});
