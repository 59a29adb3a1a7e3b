// Doctor's traffic at scale, counted by the lab's servers (TLS connections accepted, requests
// served): one list per resource type, one config per VM backing a node, and connections kept
// alive and bounded, never one per request. Counts, not times. For both Kubernetes readers:
// client-node's (runbooks) and the plain one doctor lists with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeAdapters } from '../../src/adapters/kube/adapter.js';
import { createListReader } from '../../src/adapters/kube/plain-reader.js';
import type { KubeReader, ProxmoxReader } from '../../src/adapters/ports.js';
import { ProxmoxApiClient, readOnly } from '../../src/adapters/proxmox/client.js';
import { resolveProxmoxTarget } from '../../src/adapters/proxmox/config.js';
import { PVE_CONNECTIONS } from '../../src/adapters/proxmox/tls-fetch.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { RESOURCES } from '../../src/diagnose/resources.js';
import { startLab, type Lab } from '../../src/lab/lab.js';

const NODES = 60;
const VMS = NODES - 1; // scale:N's last node is dead and has no VM
const PVE_HOSTS = 3;

const READERS = {
  'client-node': async (kubeconfig: string) => (await createKubeAdapters({ kubeconfig })).reader,
  plain: (kubeconfig: string) => createListReader({ kubeconfig }),
};

describe.each(Object.keys(READERS) as (keyof typeof READERS)[])(`doctor against scale:${NODES} (%s reader)`, (reader) => {
  let lab: Lab;
  let dir: string;
  let kube: KubeReader | undefined;
  let proxmox: ProxmoxReader | undefined;
  const before = { kube: { connections: 0, requests: 0 }, proxmox: { connections: 0, requests: 0 } };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doctor-traffic-'));
    lab = await startLab({ dir, scenario: `scale:${NODES}` });
    lab.settle();
    kube = await READERS[reader](lab.kubeconfigPath);
    proxmox = readOnly(await ProxmoxApiClient.connect(resolveProxmoxTarget({ proxmoxEnvFile: lab.proxmoxEnvPath }, {})));
    Object.assign(before.kube, lab.kube.traffic);
    Object.assign(before.proxmox, lab.proxmox.traffic);
    await diagnose({ kube, proxmox });
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const used = (side: 'kube' | 'proxmox') => ({
    connections: lab[side].traffic.connections - before[side].connections,
    requests: lab[side].traffic.requests - before[side].requests,
  });

  it('reads Proxmox once per VM backing a node, over at most PVE_CONNECTIONS connections', () => {
    const pve = used('proxmox');
    // /cluster/resources, then each VM's config and each PVE host's status.
    expect(pve.requests).toBe(1 + VMS + PVE_HOSTS);
    expect(pve.connections).toBeLessThanOrEqual(PVE_CONNECTIONS);
  });

  it('lists each Kubernetes resource type once, over kept-alive connections', async () => {
    const first = used('kube');
    // The lists run side by side (and readiness beside the nodes), so a few connections open;
    // how many depends on timing, but the nodes, listed first, leave theirs for the others.
    expect(first.requests).toBeGreaterThanOrEqual(Object.keys(RESOURCES).length);
    expect(first.connections).toBeLessThan(first.requests);
    // A second diagnosis with the same client reuses them: each request opened its own before.
    Object.assign(before.kube, lab.kube.traffic);
    await diagnose({ kube: kube!, proxmox: proxmox! });
    const second = used('kube');
    expect(second.requests).toBeGreaterThanOrEqual(Object.keys(RESOURCES).length);
    expect(second.connections).toBeLessThan(second.requests / 4);
  });
});
