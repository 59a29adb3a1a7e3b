// purge-dead-node against a lab that behaves like k3s (issue 10): the Node carries k3s's
// finalizers, so its deletion finishes only when k3s's controllers have done their part. The
// purge waits for them, names the one that holds the Node, never re-creates a half-deleted
// node's volumes, and a rollback after the point of no return finishes instead of failing.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { runMain } from '../support/in-process.js';
import { deadServerScenario } from '../support/k3s-scenarios.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});
const exec = promisify(execFile);

async function lab(scenario?: string) {
  const root = mkdtempSync(join(tmpdir(), 'runbook-purge-'));
  let scenarioPath: string | undefined;
  if (scenario) writeFileSync((scenarioPath = join(root, 'scenario.yaml')), scenario);
  const l = await startLab({ dir: join(root, 'lab'), ...(scenarioPath ? { scenario: scenarioPath } : {}) });
  labs.push(l);
  l.settle();
  const env = { KUBECONFIG: l.kubeconfigPath, PROXMOX_ENV_FILE: l.proxmoxEnvPath };
  return {
    lab: l,
    cli: (args: string[]) => runMain(['--state-dir', join(root, 'state'), ...args], { env }),
    kubectl: async (...args: string[]) => (await exec('kubectl', ['--kubeconfig', l.kubeconfigPath, ...args], { encoding: 'utf8' })).stdout,
  };
}

const pvsOn = async (kubectl: (...a: string[]) => Promise<string>, node: string) =>
  (await kubectl('get', 'pv', '-o', `jsonpath={range .items[?(@.metadata.annotations.local\\.path\\.provisioner/selected-node=="${node}")]}{.metadata.name}{"\\n"}{end}`)).trim();

describe('purge-dead-node against k3s finalizers', () => {
  it('waits for k3s to let the Node go (its node-password secret removed by k3s), and `runbook rollback` afterwards keeps everything past the point of no return', async () => {
    const { cli, kubectl } = await lab();
    const r = await cli(['run', 'purge-dead-node', '--node', 'k3s-replica-2', '--vm-gone', '--yes', '--output', 'json']);
    expect(r.code, r.stdout.slice(-800)).toBe(EXIT.ok);
    const runId = (JSON.parse(r.stdout) as { runId: string }).runId;
    await expect(kubectl('get', 'node', 'k3s-replica-2')).rejects.toThrow(/NotFound/);
    await expect(kubectl('get', 'secret', '-n', 'kube-system', 'k3s-replica-2.node-password.k3s')).rejects.toThrow(/NotFound/);
    expect(await pvsOn(kubectl, 'k3s-replica-2')).toBe('');

    const rb = await cli(['rollback', runId, '--yes']);
    expect(rb.code, rb.stdout).toBe(EXIT.ok);
    expect(rb.stdout).toMatch(/Kept 3 step\(s\), not undone:\n {2}node: past the point of no return \(node\)/);
    expect(rb.stdout).toMatch(/^ {2}volumes: past the point of no return/m);
    // nothing of the dead node came back, and a second rollback has nothing left to do
    expect(await pvsOn(kubectl, 'k3s-replica-2')).toBe('');
    await expect(kubectl('get', 'node', 'k3s-replica-2')).rejects.toThrow(/NotFound/);
    expect((await cli(['rollback', runId, '--yes'])).stdout).toMatch(/nothing to roll back/);
  }, 120_000);

  it('a finalizer that never clears: the step names it and its owner after --delete-timeout, and the rollback does not re-create the half-deleted node\'s volumes', async () => {
    const { cli, kubectl } = await lab();
    await kubectl('patch', 'node', 'k3s-replica-2', '--type', 'json', '-p', '[{"op":"add","path":"/metadata/finalizers/-","value":"example.com/never"}]');
    const r = await cli(['run', 'purge-dead-node', '--node', 'k3s-replica-2', '--vm-gone', '--yes', '--delete-timeout', '12s']);
    expect(r.code, r.stdout.slice(-1500)).toBe(EXIT.stepFailed);
    expect(r.stdout).toMatch(/still Terminating after 1\ds: waiting for example\.com\/never/); // progress while it waits
    expect(r.stdout).toMatch(/node k3s-replica-2 is still Terminating after 12s .*waiting for example\.com\/never \(not a k3s finalizer: its own controller must remove it\)/);
    expect(r.stdout).toMatch(/Kept \d step\(s\), not undone:/);
    expect(r.stdout).not.toMatch(/ROLLBACK INCOMPLETE/);
    expect(await pvsOn(kubectl, 'k3s-replica-2')).toBe(''); // not pinned again to a node being deleted
    // k3s's own controllers did their part; only the foreign finalizer holds it
    expect(await kubectl('get', 'node', 'k3s-replica-2', '-o', 'jsonpath={.metadata.finalizers}')).toBe('["example.com/never"]');
  }, 120_000);

  it('the confirmation names the step that cannot be undone', async () => {
    const { cli } = await lab();
    const r = await cli(['run', 'purge-dead-node', '--node', 'k3s-replica-2', '--vm-gone']);
    expect(r.code, r.stdout.slice(-1500)).toBe(EXIT.declined);
    expect(r.stdout).toMatch(/^Cannot be undone: node \(k8s\.delete-node\): point of no return: a deleted Node cannot be brought back.*; a rollback keeps it and every step before it\.$/m);
    expect(r.stdout).toMatch(/confirmation needed for pods, volumes, node but there is no terminal/);
  }, 60_000);

  it('a dead server: preflight says k3s removes its etcd member; the purge removes it from the etcd member list', async () => {
    const { lab: l, cli, kubectl } = await lab(deadServerScenario(true));
    const r = await cli(['run', 'purge-dead-node', '--node', 'k3s-server-2', '--vm-gone', '--yes']);
    expect(r.code, r.stdout.slice(-1500)).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/etcd keeps quorum: 2\/2 remaining members Ready/);
    expect(r.stdout).toMatch(/deleting it makes k3s remove its etcd member/);
    await expect(kubectl('get', 'node', 'k3s-server-2')).rejects.toThrow(/NotFound/);
    expect(l.etcd!.members.list().map((m) => m.node)).toEqual(['k3s-server-0', 'k3s-server-1']);
  }, 120_000);

  it("a dead server without k3s's etcd annotations is refused before anything changes, naming them", async () => {
    const { lab: l, cli, kubectl } = await lab(deadServerScenario(false));
    const r = await cli(['run', 'purge-dead-node', '--node', 'k3s-server-2', '--vm-gone', '--yes']);
    expect(r.code, r.stdout.slice(-1500)).toBe(EXIT.preflightFailed);
    expect(r.stdout).toMatch(/FAIL node k3s-server-2 is an etcd member without etcd\.k3s\.cattle\.io\/node-name \/ etcd\.k3s\.cattle\.io\/node-address/);
    expect(await kubectl('get', 'node', 'k3s-server-2', '-o', 'jsonpath={.metadata.deletionTimestamp}')).toBe('');
    expect(l.etcd!.members.list()).toHaveLength(3);
  }, 60_000);
});
