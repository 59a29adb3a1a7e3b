// proxmox.get-vm, proxmox.wait-task and proxmox.wait-vm-running through the engine against
// the Proxmox VE simulator over HTTPS (API token auth, real UPID tasks).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AdapterProvider } from '../../src/engine/adapters.js';
import { eventually } from '../support/eventually.js';
import { HEAD, adapters, outputsOf, plan, run, startProxmoxLab } from './fixture.js';
import type { ProxmoxLab } from './fixture.js';

let lab: ProxmoxLab;
let provider: AdapterProvider;

beforeAll(async () => {
  lab = await startProxmoxLab({
    nodes: [{ name: 'pve1', memoryMiB: 16384, cpus: 8 }],
    vms: [
      { vmid: 101, name: 'k3s-server-0', node: 'pve1', memory: 4096, balloon: 1200, cores: 2 },
      { vmid: 102, name: 'k3s-agent-1', node: 'pve1', memory: 2048, balloon: 0, status: 'stopped' },
      { vmid: 103, name: 'k3s-agent-2', node: 'pve1', memory: 2048, status: 'stopped' },
    ],
    rebootSeconds: 0.3,
  });
  provider = adapters({ proxmox: lab });
});
afterAll(async () => {
  await lab.stop();
});

describe('proxmox.get-vm', () => {
  test('outputs the VM of a node: where it runs, memory, balloon, status; plans no change', async () => {
    const yaml = `${HEAD}steps:
  - { id: vm, uses: proxmox.get-vm, with: { node: k3s-server-0 } }
  - { id: off, uses: proxmox.get-vm, with: { node: k3s-agent-1 } }
`;
    const planned = await plan(yaml, provider);
    expect(planned.plan.flatMap((e) => e.changes.map((c) => c.op))).toEqual(['noop', 'noop']);
    expect(planned.plan.find((e) => e.key === 'vm')!.changes[0]!.summary).toBe('read: running, memory 4096 MiB, balloon 1200 MiB');
    const out = await run(yaml, provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'vm')).toEqual({ vmid: 101, pveNode: 'pve1', name: 'k3s-server-0', memory: 4096, balloon: 1200, ballooning: true, status: 'running' });
    expect(outputsOf(out, 'off')).toMatchObject({ vmid: 102, balloon: 0, ballooning: false, status: 'stopped' });
  });

  test('a node without a VM fails preflight', async () => {
    const out = await run(`${HEAD}steps:
  - { id: vm, uses: proxmox.get-vm, with: { node: no-such-node } }
`, provider);
    expect(out.status).toBe('preflight-failed');
    expect(JSON.stringify(out.preflight.results)).toContain('no Proxmox VM named no-such-node');
  });
});

describe('proxmox.wait-task', () => {
  test('waits for a task started elsewhere until it stops OK', async () => {
    const upid = await lab.client.vmAction('pve1', 102, 'start');
    const out = await run(`${HEAD}steps:
  - { id: task, uses: proxmox.wait-task, with: { upid: "${upid}", timeout: 20s } }
`, provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'task')).toEqual({ exitstatus: 'OK' });
    expect(lab.state.vm(102)?.status).toBe('running');
  });

  test('a task that fails makes the step fail with its exit status', async () => {
    const upid = await lab.client.vmAction('pve1', 101, 'start'); // already running
    const out = await run(`${HEAD}steps:
  - { id: task, uses: proxmox.wait-task, with: { upid: "${upid}", timeout: 20s } }
`, provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain(`Proxmox task ${upid} failed: VM 101 already running`);
  });

  test('rejects a parameter that is not a UPID when the runbook is loaded', async () => {
    await expect(run(`${HEAD}steps:
  - { id: task, uses: proxmox.wait-task, with: { upid: "not-a-upid" } }
`, provider)).rejects.toThrow(/UPID/);
  });
});

describe('proxmox.wait-vm-running', () => {
  test('waits until a starting VM runs', async () => {
    await lab.client.vmAction('pve1', 103, 'start');
    const out = await run(`${HEAD}steps:
  - { id: up, uses: proxmox.wait-vm-running, with: { node: k3s-agent-2, timeout: 20s } }
`, provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'up')).toEqual({ vmid: 103, pveNode: 'pve1' });
    expect(lab.state.vm(103)?.status).toBe('running');
  });

  test('fails with the VM state when it does not run in time', async () => {
    await lab.client.vmAction('pve1', 102, 'stop');
    await eventually(() => lab.state.vm(102)?.status === 'stopped', 'VM 102 to stop');
    const out = await run(`${HEAD}steps:
  - { id: up, uses: proxmox.wait-vm-running, with: { node: k3s-agent-1, timeout: 500ms } }
`, provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain('VM 102 is stopped after');
  });
});
