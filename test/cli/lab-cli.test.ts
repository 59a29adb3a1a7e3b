// `runbook lab ...` as a person uses it: start in the background, point kubectl at it, look,
// stop, start again with the state kept; and the demo, the README's first command.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
    expect(start.stdout).toBe(`export KUBECONFIG=${dir}/kubeconfig\nexport PROXMOX_ENV_FILE=${dir}/proxmox.env\n`);
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

  it('demo shows the incident and plans its fixes against the lab', async () => {
    const r = await runCli(['lab', 'demo'], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/k3s-replica-0\s+Ready\s+416Mi/);
    expect(r.stdout).toMatch(/k3s-replica-2\s+NotReady/);
    expect(r.stdout).toMatch(/HelmRelease\/metallb-system\/metallb\s+False\s+RetriesExceeded/);
    expect(r.stdout).toMatch(/\$ runbook plan purge-dead-node --node k3s-replica-2\nPreflight: all checks passed/);
    expect(r.stdout).toMatch(/memory 4096 MiB, balloon 516 MiB -> memory 2048 MiB, balloon 0/);
  }, 120_000);
});
