// What `runbook schedule` emits is accepted by an API server: a server-side dry-run of every
// object (ServiceAccount, ClusterRole, ClusterRoleBinding, CronJob) against the lab.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { runCli } from '../support/cli.js';

const exec = promisify(execFile); // async: the lab serves from this process
let lab: Lab | undefined;

afterAll(async () => {
  await lab?.stop();
});

describe('runbook schedule output', () => {
  it.each(['cluster-hygiene', 'unstick-metallb'])('%s: passes a server-side dry-run, and the dry-run writes nothing', async (runbook) => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-dryrun-'));
    lab ??= await startLab({ dir: join(root, 'lab'), scenario: 'healthy' });
    if (!lab.kube.store.get('v1', 'Namespace', 'runbook-system')) lab.kube.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'runbook-system' } });
    const emitted = await runCli(['schedule', runbook, '--cron', '0 */6 * * *']);
    expect(emitted.code).toBe(0);
    const file = join(root, 'manifests.yaml');
    writeFileSync(file, emitted.stdout);
    const { stdout } = await exec('kubectl', ['--kubeconfig', lab.kubeconfigPath, 'apply', '--dry-run=server', '-f', file], { encoding: 'utf8' });
    expect(stdout.trim().split('\n')).toEqual([
      `serviceaccount/runbook-${runbook} created (server dry run)`,
      `clusterrole.rbac.authorization.k8s.io/runbook-${runbook} created (server dry run)`,
      `clusterrolebinding.rbac.authorization.k8s.io/runbook-${runbook} created (server dry run)`,
      `cronjob.batch/runbook-${runbook} created (server dry run)`,
    ]);
    expect(lab.kube.store.get('batch/v1', 'CronJob', `runbook-${runbook}`, 'runbook-system')).toBeUndefined();
  });
});
