// The lab as users and the engine meet it: started from the incident scenario in a temp dir,
// read and changed only through real clients (kubectl as a child process with the written
// kubeconfig; the proxmox-api based ProxmoxApiClient with the written proxmox.env).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ProxmoxApiClient } from '../../src/adapters/proxmox/client.js';
import { resolveProxmoxTarget } from '../../src/adapters/proxmox/config.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { eventually } from '../support/eventually.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'runbook-lab-'));
let lab: Lab | undefined;

async function kubectl(...args: string[]): Promise<string> {
  return (await run('kubectl', ['--kubeconfig', lab!.kubeconfigPath, ...args])).stdout;
}
async function nodeJson(name: string) {
  return JSON.parse(await kubectl('get', 'node', name, '-o', 'json')) as {
    spec: { taints?: { key: string; effect: string }[] };
    status: { capacity: { memory: string }; conditions: { type: string; status: string; reason?: string }[] };
  };
}
const ready = (n: Awaited<ReturnType<typeof nodeJson>>) => n.status.conditions.find((c) => c.type === 'Ready');
/** The lab's tasks and controllers run asynchronously: waits until `ok` holds of what `read` gives. */
const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => eventually(read, { what, until: ok, intervalMs: 100 });
async function proxmox(): Promise<ProxmoxApiClient> {
  return ProxmoxApiClient.connect(resolveProxmoxTarget({ proxmoxEnvFile: lab!.proxmoxEnvPath }, {}));
}
async function waitTask(client: ProxmoxApiClient, upid: string): Promise<void> {
  const done = await until(`task ${upid}`, () => client.getTaskStatus('pve', upid), (s) => s.status === 'stopped');
  expect(done.exitstatus).toBe('OK');
}
const controllerErrors: unknown[] = [];
const opts = { dir, notReadyGraceSeconds: 1, rebootSeconds: 0.4, crashLoopSeconds: 1, onError: (e: unknown) => controllerErrors.push(e) };

afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('lab with the incident-2025-08 scenario', () => {
  it('shows the incident through kubectl: the dead node NotReady, ballooned capacity, Pending monitoring, OOM-killed FRR', async () => {
    lab = await startLab(opts);
    const table = await kubectl('get', 'nodes');
    const status = Object.fromEntries(table.trim().split('\n').slice(1).map((l) => l.split(/\s+/)).map(([name, st]) => [name, st]));
    expect(status['k3s-replica-2']).not.toMatch(/^Ready/);
    for (const n of ['k3s-server-0', 'k3s-server-2', 'k3s-replica-0', 'k3s-replica-1']) expect(status[n]).toBe('Ready');
    expect(status['k3s-server-1']).toBe('Ready,SchedulingDisabled');
    const dead = await nodeJson('k3s-replica-2');
    expect(ready(dead)).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(dead.spec.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    const capacity = await kubectl('get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.capacity.memory} {end}');
    expect(capacity.trim().split(' ').sort()).toEqual(['k3s-replica-0=516Mi', 'k3s-replica-1=550Mi', 'k3s-replica-2=4096Mi', 'k3s-server-0=1228Mi', 'k3s-server-1=2048Mi', 'k3s-server-2=2048Mi']);

    const table2 = (await kubectl('get', 'pods', '-A')).trim().split('\n').slice(1).map((l) => l.split(/\s+/));
    const statusOf = new Map(table2.map(([, name, readyCol, st]) => [name!, { ready: readyCol, status: st }]));
    const podList = JSON.parse(await kubectl('get', 'pods', '-A', '-o', 'json')) as { items: { metadata: { name: string; namespace: string }; spec: { nodeName?: string } }[] };
    const nodeOf = new Map(podList.items.map((p) => [p.metadata.name, p.spec.nodeName]));
    expect(statusOf.get('prometheus-kube-prometheus-stack-prometheus-0')?.status).toBe('Pending');
    expect(statusOf.get('alertmanager-kube-prometheus-stack-alertmanager-0')?.status).toBe('Pending');
    const speakers = [...statusOf.entries()].filter(([n]) => n.startsWith('speaker-')).map(([n, p]) => ({ ...p, node: nodeOf.get(n) }));
    const crashing = speakers.filter((p) => p.status === 'CrashLoopBackOff').map((p) => p.node).sort();
    expect(crashing).toEqual(['k3s-replica-0', 'k3s-replica-1', 'k3s-server-0']);
    expect(speakers.find((p) => p.node === 'k3s-replica-2')).toMatchObject({ status: 'Running', ready: '4/4' });
    const oomReasons = await kubectl('get', 'pods', '-n', 'metallb-system', '-o', 'jsonpath={range .items[*]}{.status.containerStatuses[?(@.name=="frr")].lastState.terminated.reason} {end}');
    expect(oomReasons.trim().split(/\s+/)).toEqual(['OOMKilled', 'OOMKilled', 'OOMKilled']);

    const events = JSON.parse(await kubectl('get', 'events', '-A', '-o', 'json')) as { items: { reason: string; message: string; involvedObject: { name: string } }[] };
    const systemOom = [...new Set(events.items.filter((e) => e.reason === 'SystemOOM').map((e) => e.involvedObject.name))].sort();
    expect(systemOom).toEqual(['k3s-replica-0', 'k3s-replica-1', 'k3s-server-0']);
    const failed = events.items.find((e) => e.reason === 'FailedScheduling' && e.involvedObject.name.startsWith('prometheus-'));
    expect(failed?.message).toMatch(/^0\/6 nodes are available: 1 node\(s\) had untolerated taint \{node.kubernetes.io\/unreachable: \}, .*volume node affinity conflict.*\. preemption: /);
    expect(events.items.find((e) => e.reason === 'ReconciliationFailed')?.message).toContain('"system-infrastructure" is invalid: metadata.name: Forbidden');
    await expect(kubectl('get', 'priorityclass', 'system-infrastructure')).rejects.toThrow(/NotFound|not found/);
    expect(await kubectl('get', 'kustomization', 'apps', '-n', 'flux-system', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}')).toBe('DependencyNotReady');
  });

  it('serves the VMs to the proxmox-api client with ballooning on; disabling it and rebooting gives the node its full memory', async () => {
    const client = await proxmox();
    const vms = await client.listVms();
    expect(vms.map((v) => v.name).sort()).toEqual(['k3s-replica-0', 'k3s-replica-1', 'k3s-server-0', 'k3s-server-1', 'k3s-server-2']);
    const cfg = await client.getVmConfig('pve', 111);
    expect([Number(cfg.values.memory), Number(cfg.values.balloon)]).toEqual([4096, 516]);
    // the incident's fix: 2048 MiB fixed, balloon device off, reboot
    await client.setVmConfig('pve', 111, { memory: 2048, balloon: 0 }, cfg.digest);
    expect((await nodeJson('k3s-replica-0')).status.capacity.memory).toBe('516Mi');
    await waitTask(client, await client.vmAction('pve', 111, 'reboot'));
    const grown = await until('replica-0 capacity', () => nodeJson('k3s-replica-0'), (n) => n.status.capacity.memory === '2048Mi');
    expect(ready(grown)?.status).toBe('True');
    // with the memory there, the FRR container stops being the OOM killer's victim and runs again
    const frrOnReplica0 = async () => {
      const list = JSON.parse(await kubectl('get', 'pods', '-n', 'metallb-system', '-o', 'json')) as { items: { spec: { nodeName?: string }; status: { containerStatuses?: { name: string; ready: boolean }[] } }[] };
      return list.items.find((p) => p.spec.nodeName === 'k3s-replica-0')?.status.containerStatuses?.find((c) => c.name === 'frr');
    };
    await until('frr on k3s-replica-0 ready', frrOnReplica0, (c) => c?.ready === true);
    const applied = (await client.getVmConfig('pve', 111)).values;
    expect([Number(applied.memory), Number(applied.balloon)]).toEqual([2048, 0]);
  });

  it('takes a node whose VM is stopped to Unknown with the unreachable taints after the grace period', async () => {
    const client = await proxmox();
    await waitTask(client, await client.vmAction('pve', 112, 'stop'));
    const gone = await until('replica-1 Unknown', () => nodeJson('k3s-replica-1'), (n) => ready(n)?.status === 'Unknown');
    expect(ready(gone)).toMatchObject({ reason: 'NodeStatusUnknown' });
    expect(gone.spec.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
  });

  it('keeps every change across stop and start on the same directory, with the same CA', async () => {
    const caBefore = readFileSync(join(dir, 'ca.pem'), 'utf8');
    await lab!.stop();
    lab = await startLab(opts);
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(caBefore);
    expect((await nodeJson('k3s-replica-0')).status.capacity.memory).toBe('2048Mi');
    expect(ready(await nodeJson('k3s-replica-1'))?.status).toBe('Unknown');
    const client = await proxmox();
    const kept = (await client.getVmConfig('pve', 111)).values;
    expect([Number(kept.memory), Number(kept.balloon)]).toEqual([2048, 0]);
    expect((await client.getVmStatus('pve', 112)).status).toBe('stopped');
    expect(await kubectl('get', 'pods', '-n', 'monitoring', 'prometheus-kube-prometheus-stack-prometheus-0', '-o', 'jsonpath={.status.phase}')).toBe('Pending');
  });

  it('ran every controller pass without an error', () => {
    expect(controllerErrors).toEqual([]);
  });

  it('refuses a corrupt state file with a hint instead of reseeding over it', async () => {
    const other = mkdtempSync(join(tmpdir(), 'runbook-lab-corrupt-'));
    try {
      writeFileSync(join(other, 'state.json'), '{"version": 1, "kube": ');
      await expect(startLab({ dir: other })).rejects.toMatchObject({ code: 'E_LAB_STATE', hint: 'delete the lab directory to start from the scenario again' });
      expect(existsSync(join(other, 'lab.pid'))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a second lab on a directory another live process serves', async () => {
    const other = mkdtempSync(join(tmpdir(), 'runbook-lab-busy-'));
    try {
      writeFileSync(join(other, 'lab.pid'), `${process.ppid}\n`);
      await expect(startLab({ dir: other })).rejects.toThrow(/already running/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
