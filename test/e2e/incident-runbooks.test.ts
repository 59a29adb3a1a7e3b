// The incident's runbooks end to end in the lab, through the CLI as a person runs them: the
// failure paths (a Proxmox task failing mid-rollout, a PDB that never allows eviction, a Ready
// node), idempotence (a second run plans nothing), Events, and restore from the journal.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { runMain } from '../support/in-process.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

// kubectl runs asynchronously: the lab serves from this very process, a sync child would block it.
const exec = promisify(execFile);

async function lab(): Promise<{ lab: Lab; cli: (args: string[]) => ReturnType<typeof runMain>; kubectl: (args: string[]) => Promise<string> }> {
  const root = mkdtempSync(join(tmpdir(), 'runbook-e2e-'));
  const l = await startLab({ dir: join(root, 'lab'), rebootSeconds: 0.2 });
  labs.push(l);
  l.settle();
  const env = { KUBECONFIG: l.kubeconfigPath, PROXMOX_ENV_FILE: l.proxmoxEnvPath };
  return {
    lab: l,
    cli: (args) => runMain(['--state-dir', join(root, 'state'), ...args], { env }),
    kubectl: async (args) => (await exec('kubectl', ['--kubeconfig', l.kubeconfigPath, ...args], { encoding: 'utf8' })).stdout,
  };
}

const memoryOf = (l: Lab, vmid: number) => {
  const vm = l.proxmox.state.vm(vmid)!;
  return { memory: Number(vm.config.memory), balloon: vm.config.balloon === undefined ? undefined : Number(vm.config.balloon), pending: Object.keys(vm.pending) };
};

describe('incident runbooks in the lab', () => {
  it('a Proxmox task failing mid-rollout undoes that node only and stops; the node before it stays fixed', async () => {
    const { lab: l, cli, kubectl } = await lab();
    // k3s-replica-1's reboot fails as a guest that does not power off in time makes it fail.
    l.proxmox.state.failNextTask({ type: 'qmreboot', vmid: 112, exitstatus: 'VM quit/powerdown failed - got timeout' });
    const r = await cli(['run', 'fix-ballooning', '--nodes', 'k3s-replica-0,k3s-replica-1,k3s-server-0', '--memory', '2048', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/node\.reboot\[k3s-replica-1\] failed: .*VM quit\/powerdown failed - got timeout: VM 112 still runs/);
    // The reboot was sent (checkpointed): its rollback makes sure the VM runs, then the rest.
    expect(r.stdout).toMatch(/Rolled back \d+ step\(s\): node\.reboot\[k3s-replica-1\], node\.set-memory\[k3s-replica-1\], node\.drain\[k3s-replica-1\]/);
    expect(l.proxmox.state.vm(112)!.status).toBe('running');
    expect(memoryOf(l, 111)).toEqual({ memory: 2048, balloon: 0, pending: [] }); // replica-0: done, kept
    expect(memoryOf(l, 112)).toMatchObject({ memory: 4096, balloon: 550 }); // replica-1: restored
    expect(memoryOf(l, 101)).toMatchObject({ memory: 2048, balloon: 1228 }); // server-0: never touched
    expect(await kubectl(['get', 'node', 'k3s-replica-1', '-o', 'jsonpath={.spec.unschedulable}'])).toBe('');
  });

  it('a PodDisruptionBudget that never allows eviction stops the drain at preflight, naming it; nothing changes', async () => {
    const { lab: l, cli, kubectl } = await lab();
    l.kube.store.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'dns-frozen', namespace: 'kube-system' }, spec: { maxUnavailable: 0, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } } });
    l.settle();
    const r = await cli(['run', 'drain-node', '--node', 'k3s-server-0', '--yes']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/FAIL .*dns-frozen/);
    expect(r.stdout).toMatch(/nothing was changed/);
    expect(await kubectl(['get', 'node', 'k3s-server-0', '-o', 'jsonpath={.spec.unschedulable}'])).toBe('');
  });

  it('purge-dead-node refuses a Ready node', async () => {
    const { cli, kubectl } = await lab();
    const r = await cli(['run', 'purge-dead-node', '--node', 'k3s-server-2', '--yes']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/FAIL node k3s-server-2 is Ready/);
    expect(await kubectl(['get', 'node', 'k3s-server-2', '-o', 'name'])).toBe('node/k3s-server-2\n');
  });

  it('each runbook twice: the second run plans nothing; changes are Events; deleted objects restore from the journal', async () => {
    const { cli, kubectl } = await lab();
    const runs: [string, string[]][] = [
      ['fix-ballooning', ['--nodes', 'k3s-replica-0,k3s-replica-1,k3s-server-0,k3s-server-1,k3s-server-2', '--memory', '2048']],
      ['purge-dead-node', ['--node', 'k3s-replica-2']],
      ['unstick-metallb', []],
      ['drain-node', ['--node', 'k3s-server-1']],
    ];
    let purgeRun = '';
    for (const [name, args] of runs) {
      const first = await cli(['run', name, ...args, '--yes', '--output', 'json']);
      expect(first.code, `${name}: ${first.stdout.slice(-400)}`).toBe(0);
      if (name === 'purge-dead-node') purgeRun = (JSON.parse(first.stdout) as { runId: string }).runId;
      const again = await cli(['plan', name, ...args]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/Nothing to change: the cluster already matches this runbook\./);
    }
    const events = await kubectl(['get', 'events', '-A', '--field-selector', 'reason=RunbookDeleted', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    expect(events).toContain(`runbook purge-dead-node (run ${purgeRun}) deleted node/k3s-replica-2`);
    // The volumes it deleted come back from the journal's copies (dry run: nothing written).
    const restore = await cli(['restore', purgeRun, '--object', 'persistentvolume/*', '--dry-run']);
    expect(restore.code).toBe(0);
    expect(restore.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^restored +persistentvolume\/pvc-\S+: would re-create \(dry run\)$/),
      expect.stringMatching(/^restored +persistentvolume\/pvc-\S+: would re-create \(dry run\)$/),
    ]);
    // For real: the Node comes back from its journaled copy. Its node-password secret was
    // removed by k3s's node controller, not by the run: nothing of it is in the journal.
    const real = await cli(['restore', purgeRun, '--object', 'node/*']);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/^restored +node\/k3s-replica-2$/m);
    expect(await cli(['show', purgeRun])).toMatchObject({ stdout: expect.not.stringMatching(/node-password/) });
    expect(await kubectl(['get', 'node', 'k3s-replica-2', '-o', 'name'])).toBe('node/k3s-replica-2\n');
  }, 120_000);
});
