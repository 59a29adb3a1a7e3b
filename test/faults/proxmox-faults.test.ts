// The Proxmox adapter against the lab's PVE API with faults injected per endpoint: reads ride out
// 5xx answers and an outage, a power action that may have started is never sent twice (the lab
// counts its tasks), a failed task reports its exitstatus, and a Proxmox that never answered or
// is not trusted is reported at once, naming the URL and the flags that fix it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallPolicy } from '../../src/adapters/api-call.js';
import { ProxmoxApiClient } from '../../src/adapters/proxmox/client.js';
import { resolveProxmoxTarget } from '../../src/adapters/proxmox/config.js';
import type { ProxmoxTarget } from '../../src/adapters/proxmox/config.js';
import { ApiError } from '../../src/errors.js';
import { startLab } from '../../src/lab/lab.js';
import type { Lab } from '../../src/lab/lab.js';
import { compileRetryPolicy } from '../../src/retry-policy.js';
import { waitTask } from '../../steps/proxmox/pve-polling.js';
import { closedPort, scoped } from '../support/faults.js';

const policy: CallPolicy = { requestTimeoutMs: 400, retry: compileRetryPolicy({ maximumAttempts: 4, initialIntervalMs: 20, backoffCoefficient: 2, maximumIntervalMs: 100 }) };

let lab: Lab;
let target: ProxmoxTarget;
let pve: ProxmoxApiClient;

beforeAll(async () => {
  lab = await startLab({ dir: join(mkdtempSync(join(tmpdir(), 'runbook-faults-pve-')), 'lab'), rebootSeconds: 0.2 });
  target = resolveProxmoxTarget({ proxmoxEnvFile: lab.proxmoxEnvPath }, {});
  pve = await ProxmoxApiClient.connect(target, policy);
  await pve.listVms(); // Proxmox has answered: from here on, failures are retried
});
afterAll(async () => lab?.stop());
beforeEach(() => lab.faults.reset());

const reboots = (vmid: number) => lab.proxmox.state.tasks().filter((t) => t.type === 'qmreboot' && t.id === String(vmid));

describe('Proxmox adapter under injected faults', () => {
  it('a 503 from pveproxy on a read is retried', async () => {
    const rule = lab.faults.add({ server: 'proxmox', method: 'GET', path: /\/qemu\/101\/status\/current$/, times: 2, fault: { kind: 'status', status: 503, message: 'Service Unavailable' } });
    const { result, notes } = await scoped(() => pve.getVmStatus('pve', 101));
    expect((await result).status).toBe('running');
    expect([rule.hits, notes.map((n) => n.attempt)]).toEqual([2, [2, 3]]);
  });

  it('a read is retried through an outage (connection refused) until Proxmox is back', async () => {
    let outage: { end(): Promise<void> } | undefined = lab.faults.outage('proxmox');
    const { result, notes } = await scoped(() => pve.getVmConfig('pve', 101), (all) => {
      if (all.length === 2) void outage?.end().then(() => (outage = undefined));
    });
    expect((await result).values.memory).toBeDefined();
    // The open keep-alive connection is cut first (reset), then connections are refused.
    expect(notes.map((n) => n.error)).toContainEqual(`read config of VM 101: cannot reach Proxmox at ${target.url} (ECONNREFUSED)`);
  });

  it("a task wait outlasts an outage longer than one call's retries, within the wait's own deadline", async () => {
    const upid = await pve.vmAction('pve', 101, 'reboot');
    let outage: { end(): Promise<void> } | undefined = lab.faults.outage('proxmox');
    // One call gives up after 3 retries; Proxmox comes back only after the wait has retried 6 times.
    const { result, notes } = await scoped(() => waitTask(pve, 'pve', upid, 30_000, new AbortController().signal), (all) => {
      if (all.length === 6) void outage?.end().then(() => (outage = undefined));
    });
    await expect(result).resolves.toBeUndefined();
    expect(notes.length).toBeGreaterThanOrEqual(6);
    expect(lab.proxmox.state.task(upid)).toMatchObject({ exitstatus: 'OK' });
  });

  it('a reboot whose answer comes too late is not sent again: the task list gives its UPID, one reboot for the VM', async () => {
    const before = reboots(111).length;
    // The lab reboots at once but answers after 1 s; the client gives up after 0.4 s.
    lab.faults.add({ server: 'proxmox', method: 'POST', path: /\/qemu\/111\/status\/reboot$/, fault: { kind: 'latency', ms: 1000 } });
    const { result, notes } = await scoped(() => pve.vmAction('pve', 111, 'reboot'));
    const upid = await result;
    expect(notes).toEqual([]);
    expect(reboots(111).slice(before).map((t) => t.upid)).toEqual([upid]);
  });

  it('a reboot that gets no answer at all fails without being sent again', async () => {
    const before = reboots(102).length;
    const rule = lab.faults.add({ server: 'proxmox', method: 'POST', path: /\/qemu\/102\/status\/reboot$/, fault: { kind: 'blackhole' } });
    const { result, notes } = await scoped(() => pve.vmAction('pve', 102, 'reboot'));
    await expect(result).rejects.toThrow(/reboot VM 102: cannot reach Proxmox at .* \(ETIMEDOUT: no answer within 0\.4 s\)/);
    expect([rule.hits, notes.length, reboots(102).length - before]).toEqual([1, 0, 0]);
  });

  it('a reboot refused before it reached Proxmox (503) is sent again, once it is accepted', async () => {
    const before = reboots(112).length;
    lab.faults.add({ server: 'proxmox', method: 'POST', path: /\/qemu\/112\/status\/reboot$/, times: 1, fault: { kind: 'status', status: 503, message: 'Service Unavailable' } });
    const { result, notes } = await scoped(() => pve.vmAction('pve', 112, 'reboot'));
    expect(await result).toMatch(/^UPID:pve:/);
    expect(notes).toHaveLength(1);
    expect(reboots(112).length - before).toBe(1);
  });

  it('a failed task (injected) ends with its exitstatus', async () => {
    lab.faults.add({ server: 'proxmox', method: 'POST', path: /\/qemu\/103\/status\/reboot$/, times: 1, fault: { kind: 'task-fails', exitstatus: 'start failed: QEMU exited with code 1' } });
    const upid = await pve.vmAction('pve', 103, 'reboot');
    let status = await pve.getTaskStatus('pve', upid);
    for (let i = 0; status.status === 'running' && i < 200; i++) status = await pve.getTaskStatus('pve', upid);
    expect(status).toMatchObject({ status: 'stopped', exitstatus: 'start failed: QEMU exited with code 1' });
  });

  it('a closed port is reported at once, naming the URL, with no retries', async () => {
    const url = `https://127.0.0.1:${await closedPort()}`;
    const dead = await ProxmoxApiClient.connect({ ...target, url }, policy);
    const { result, notes } = await scoped(() => dead.listVms());
    await expect(result).rejects.toThrow(`list VMs: cannot reach Proxmox at ${url} (ECONNREFUSED)`);
    expect(notes).toEqual([]);
  });

  it('an untrusted certificate names the flags that fix it, not a Node setting', async () => {
    const { caFile: _ca, ...untrusted } = target;
    const strict = await ProxmoxApiClient.connect(untrusted, policy);
    const err = await strict.listVms().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(new RegExp(`^list VMs: cannot verify Proxmox at ${target.url.replace(/[.]/g, '\\.')}: [A-Z_]+ \\(trust it with --proxmox-ca FILE or --proxmox-fingerprint\\)$`));
    expect((err as ApiError).hint).toMatch(/pvenode cert info/);
    expect(`${(err as ApiError).message} ${(err as ApiError).hint}`).not.toMatch(/NODE_/);
  });
});
