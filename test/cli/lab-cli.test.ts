// `runbook lab ...` as a person uses it: start in the background, point kubectl at it, look,
// stop, start again with the state kept; and the demo, the README's first command.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = join(mkdtempSync(join(tmpdir(), 'runbook-labcli-')), 'lab');

afterAll(async () => {
  await runCli(['lab', 'stop', '--dir', dir]);
});

function kubectl(args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', join(dir, 'kubeconfig'), ...args], { encoding: 'utf8' });
}

describe('runbook lab', () => {
  it('start --detach prints the exports, serves kubectl, and stop/start keep the state', async () => {
    const start = await runCli(['lab', 'start', '--detach', '--dir', dir]);
    expect(start.code).toBe(0);
    expect(start.stdout).toBe(`export KUBECONFIG=${dir}/kubeconfig\nexport PROXMOX_ENV_FILE=${dir}/proxmox.env\nexport RUNBOOK_LAB_DIR=${dir}\n`);
    const status = await runCli(['lab', 'status', '--dir', dir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Kubernetes API\s+https:\/\/127\.0\.0\.1:\d+\s+ready/);
    expect(kubectl(['get', 'nodes'])).toMatch(/k3s-replica-2\s+NotReady/);

    // A change made now must survive a restart.
    kubectl(['label', 'node', 'k3s-server-2', 'lab-test=kept']);
    const again = await runCli(['lab', 'start', '--detach', '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already running/);
    expect((await runCli(['lab', 'stop', '--dir', dir])).stdout).toMatch(/lab stopped .*state saved/);
    const stopped = await runCli(['lab', 'status', '--dir', dir]);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toMatch(/no lab running .*saved state/);

    expect((await runCli(['lab', 'start', '--detach', '--dir', dir])).code).toBe(0);
    expect(kubectl(['get', 'node', 'k3s-server-2', '-o', 'jsonpath={.metadata.labels.lab-test}'])).toBe('kept');
  });

  it('stop and reset find a lab started with --dir through the exported RUNBOOK_LAB_DIR; without it, stop says where it looked (exit 1)', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'runbook-labcli-env-')), 'lab');
    const state = mkdtempSync(join(tmpdir(), 'runbook-labcli-state-'));
    const start = await runCli(['--state-dir', state, 'lab', 'start', '--detach', '--dir', other]);
    expect(start.code).toBe(0);
    // What `eval "$(runbook lab start --detach --dir D)"` leaves in the shell.
    const exported = Object.fromEntries([...start.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(exported.RUNBOOK_LAB_DIR).toBe(other);

    const lost = await runCli(['--state-dir', state, 'lab', 'stop']);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain(`no lab running in ${join(state, 'lab')}`);
    expect(lost.stderr).toMatch(/hint: a lab started with --dir is stopped with the same --dir/);

    const stop = await runCli(['--state-dir', state, 'lab', 'stop'], { env: exported });
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(new RegExp(`lab stopped \\(pid \\d+\\); state saved in ${other}`));
    const again = await runCli(['--state-dir', state, 'lab', 'stop'], { env: exported });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`\`runbook lab reset --dir ${other}\` forgets it`);

    const reset = await runCli(['--state-dir', state, 'lab', 'reset'], { env: exported });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`lab in ${other} reset`);
    expect(readdirSync(other)).toEqual([]);
    expect((await runCli(['--state-dir', state, 'lab', 'status'], { env: exported })).stdout).toBe(`no lab running in ${other}\n`);
  });

  it('demo --help says what it does: it runs the fixes', async () => {
    const r = await runCli(['lab', 'demo', '--help']);
    expect(r.stdout).toMatch(/run the three fixes\s+against\s+it/);
    expect(r.stdout).not.toMatch(/plan the fixes/);
  });

  it('demo: the incident, its three fixes run against the lab, and the After picture', async () => {
    const r = await runCli(['lab', 'demo'], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [before, after] = r.stdout.split('\nAfter\n');
    // Before: the incident's picture.
    expect(before).toMatch(/k3s-replica-0\s+Ready\s+416Mi/);
    expect(before).toMatch(/k3s-replica-2\s+NotReady/);
    expect(before).toMatch(/speaker-\S+\s+CrashLoopBackOff \(OOMKilled\)/);
    expect(before).toMatch(/HelmRelease\/metallb-system\/metallb\s+False\s+RetriesExceeded/);
    // The fixes, in the order the diagnosis proposes, each through the whole pipeline.
    const runs = before!.split('\n$ runbook run ').slice(1);
    expect(runs.map((r) => r.split('\n')[0])).toEqual([
      'fix-ballooning --nodes k3s-replica-0,k3s-replica-1,k3s-server-0,k3s-server-1,k3s-server-2 --memory 2048 --yes',
      'purge-dead-node --node k3s-replica-2 --yes',
      'unstick-metallb --yes',
    ]);
    expect(runs[0]).toMatch(/^[^\n]*\nPreflight: all checks passed[\s\S]*Run \S+ succeeded: 26 step\(s\) applied\./);
    // purge-dead-node ends by seeing the monitoring pods scheduled again on live nodes.
    expect(runs[1]).toMatch(/monitoring\/prometheus-kube-prometheus-stack-prometheus-0 scheduled on k3s-server-\d[\s\S]*Run \S+ succeeded: 4 step\(s\) applied\./);
    expect(runs[2]).toMatch(/^[^\n]*\nPreflight: all checks passed[\s\S]*Run \S+ succeeded: 5 step\(s\) applied\./);
    // After: five 2 GiB nodes Ready, no dead node, everything running, Flux Ready.
    expect(after!.match(/^k3s-\S+\s+Ready\s+1948Mi/gm)).toHaveLength(5);
    expect(after).not.toMatch(/k3s-replica-2/);
    expect(after).toMatch(/All \d+ pods running\./);
    expect(after).not.toMatch(/^\S+\s+False\s/m);
    expect(after).toMatch(/HelmRelease\/metallb-system\/metallb\s+True\s+UpgradeSucceeded/);
    expect(after).not.toMatch(/CRIT/);
  }, 120_000);
});
