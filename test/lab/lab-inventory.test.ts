// The lab's inventory: every seeded Node's VM, kept for a VM deleted in Proxmox, named by the
// Proxmox env file so the CLI finds it (flag, then environment, then that file).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveProxmoxTarget } from '../../src/adapters/proxmox/config.js';
import { loadInventory } from '../../src/adapters/proxmox/inventory.js';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

describe('lab inventory', () => {
  it("maps each node to its VM, the deleted k3s-replica-2 included, and proxmox.env names the file", async () => {
    lab = await startLab({ dir: join(mkdtempSync(join(tmpdir(), 'lab-inventory-')), 'lab') });
    const target = resolveProxmoxTarget({ proxmoxEnvFile: lab.proxmoxEnvPath }, {});
    expect(target.inventoryFile).toBe(join(lab.dir, 'inventory.yaml'));
    const inventory = loadInventory(target.inventoryFile!);
    expect(inventory.nodes['k3s-replica-2']).toEqual({ vmid: 113, node: 'pve' });
    expect(inventory.nodes['k3s-server-0']).toEqual({ vmid: 101, node: 'pve' });
    expect(lab.proxmox.state.vm(113)).toBeUndefined();
  });

  it('takes --inventory over $RUNBOOK_INVENTORY over the env file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inventory-env-'));
    const envFile = join(dir, 'proxmox.env');
    writeFileSync(envFile, 'PROXMOX_URL=https://127.0.0.1:8006\nPROXMOX_TOKEN_ID=a@pve!t\nPROXMOX_TOKEN_SECRET=12345678-1234-1234-1234-1234567890ab\nRUNBOOK_INVENTORY=/from/file.yaml\n');
    expect(resolveProxmoxTarget({ proxmoxEnvFile: envFile }, {}).inventoryFile).toBe('/from/file.yaml');
    expect(resolveProxmoxTarget({ proxmoxEnvFile: envFile }, { RUNBOOK_INVENTORY: '/from/env.yaml' }).inventoryFile).toBe('/from/env.yaml');
    expect(resolveProxmoxTarget({ proxmoxEnvFile: envFile, inventory: '/from/flag.yaml' }, { RUNBOOK_INVENTORY: '/from/env.yaml' }).inventoryFile).toBe('/from/flag.yaml');
  });
});
