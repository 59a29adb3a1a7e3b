// The inventory maps Kubernetes nodes to Proxmox VMs whose names differ; the example file loads.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory, mapVms, withInventory } from '../../src/adapters/proxmox/inventory.js';
import type { ProxmoxReader } from '../../src/adapters/ports.js';
import { ROOT } from '../support/cli.js';

const vms = [
  { node: 'pve', vmid: 101, name: 'srv0', status: 'running' },
  { node: 'pve', vmid: 102, name: 'k3s-server-1', status: 'running' },
  { node: 'pve2', vmid: 111, name: 'k3s-replica-0', status: 'running' },
  { node: 'pve', vmid: 111, name: 'old-vm', status: 'stopped' },
];

describe('inventory', () => {
  it('lists a mapped VM under its node name, pins the PVE node, and hides a same-named impostor', () => {
    const inv = { nodes: { 'k3s-server-0': { vmid: 101 }, 'k3s-replica-0': { vmid: 111, node: 'pve' } } };
    expect(mapVms(vms, inv).map((v) => `${v.node}/${v.vmid}:${v.name}`)).toEqual(['pve/101:k3s-server-0', 'pve/102:k3s-server-1', 'pve/111:k3s-replica-0']);
  });

  it('wraps a reader without touching its other methods', async () => {
    const inner = { listVms: async () => vms, getNodeStatus: async () => ({ memoryTotal: 1, memoryUsed: 0 }) } as unknown as ProxmoxReader;
    const wrapped = withInventory(inner, { nodes: { 'k3s-server-0': { vmid: 101 } } });
    expect((await wrapped.listVms()).find((v) => v.vmid === 101)?.name).toBe('k3s-server-0');
    expect(await wrapped.getNodeStatus('pve')).toEqual({ memoryTotal: 1, memoryUsed: 0 });
  });

  it('loads the shipped example, and says which field is wrong in a bad file', () => {
    expect(Object.keys(loadInventory(join(ROOT, 'examples', 'inventory.yaml')).nodes)).toEqual(['k3s-server-0', 'k3s-replica-0']);
    const bad = join(mkdtempSync(join(tmpdir(), 'inv-')), 'inv.yaml');
    writeFileSync(bad, 'nodes:\n  x: { vmid: "one" }\n');
    expect(() => loadInventory(bad)).toThrow(/nodes\.x\.vmid/);
  });
});
