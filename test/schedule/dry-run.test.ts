// What `runbook schedule` emits stands alone on a fresh cluster: `kubectl apply` creates its
// Namespace, ServiceAccount, RBAC, the claim for journals and reports, and the CronJob. As on a
// real kube-apiserver (NamespaceLifecycle), a server-side dry run before that refuses the objects
// in the namespace it would create; after it, the dry run passes and writes nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { runMain } from '../support/in-process.js';

const exec = promisify(execFile); // async: the lab serves from this process
const root = mkdtempSync(join(tmpdir(), 'runbook-dryrun-'));
let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ dir: join(root, 'lab'), scenario: 'healthy' });
});

afterAll(async () => {
  await lab?.stop();
});

const kubectlApply = (file: string, ...flags: string[]) => exec('kubectl', ['--kubeconfig', lab.kubeconfigPath, 'apply', ...flags, '-f', file], { encoding: 'utf8' });

describe('runbook schedule output', () => {
  it.each(['cluster-hygiene', 'unstick-metallb'])('%s: refused by a dry run on a fresh cluster, created by apply, then passes the dry run unchanged', async (runbook) => {
    const ns = `sched-${runbook}`;
    const emitted = await runMain(['schedule', runbook, '--cron', '0 */6 * * *', '--namespace', ns]);
    expect(emitted.code).toBe(0);
    const file = join(root, `${runbook}.yaml`);
    writeFileSync(file, emitted.stdout);
    const name = `runbook-${runbook}`;

    const early = await kubectlApply(file, '--dry-run=server').then(() => undefined, (e: { stdout: string; stderr: string }) => e);
    expect(early?.stdout).toBe(`namespace/${ns} created (server dry run)\nclusterrole.rbac.authorization.k8s.io/${name} created (server dry run)\nclusterrolebinding.rbac.authorization.k8s.io/${name} created (server dry run)\n`);
    expect(early?.stderr).toContain(`namespaces "${ns}" not found`);
    expect(lab.kube.store.get('v1', 'Namespace', ns)).toBeUndefined();

    const { stdout } = await kubectlApply(file);
    expect(stdout.trim().split('\n')).toEqual([
      `namespace/${ns} created`,
      `serviceaccount/${name} created`,
      `clusterrole.rbac.authorization.k8s.io/${name} created`,
      `clusterrolebinding.rbac.authorization.k8s.io/${name} created`,
      `persistentvolumeclaim/${name}-state created`,
      `cronjob.batch/${name} created`,
    ]);
    const cron = lab.kube.store.get('batch/v1', 'CronJob', name, ns) as unknown as { spec: { jobTemplate: { spec: { template: { spec: { volumes: unknown[] } } } } } };
    expect(cron.spec.jobTemplate.spec.template.spec.volumes[0]).toEqual({ name: 'state', persistentVolumeClaim: { claimName: `${name}-state` } });
    expect(lab.kube.store.get('v1', 'PersistentVolumeClaim', `${name}-state`, ns)).toBeDefined();

    const again = await kubectlApply(file, '--dry-run=server');
    expect(again.stdout.trim().split('\n')).toHaveLength(6);
    expect(again.stdout.trim().split('\n').every((l) => l.endsWith('(server dry run)'))).toBe(true);
  });
});
