// Least-privilege RBAC derived from the steps, CronJob and systemd output, cron handling.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { derivePermissions } from '../../src/rbac/derive.js';
import { clusterRole } from '../../src/rbac/render.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { cronToOnCalendar, validateCron } from '../../src/schedule/cron.js';
import { builtinRegistry } from '../../steps/index.js';
import { ROOT } from '../support/cli.js';
import { runMain } from '../support/in-process.js';

const registry = builtinRegistry();
const shipped = (name: string) => parseRunbook(readFileSync(join(ROOT, 'runbooks', `${name}.yaml`), 'utf8'), `${name}.yaml`, registry).runbook!;

describe('derived permissions', () => {
  it('purge-dead-node needs to read and delete exactly the kinds it touches, and nothing cluster-wide beyond them', () => {
    const perms = derivePermissions(shipped('purge-dead-node'), registry);
    expect(perms.kube.map((r) => `${r.apiGroup}/${r.resource}`)).toEqual(['/events', '/nodes', '/persistentvolumeclaims', '/persistentvolumes', '/pods', '/secrets', 'coordination.k8s.io/leases']);
    // k3s's node controller deletes the node-password secret once the Node goes; the run only checks it is gone.
    expect(perms.kube.find((r) => r.resource === 'secrets')!.verbs).toEqual(['get']);
    expect(perms.kube.flatMap((r) => r.verbs)).not.toContain('*');
    // The run lock: a Lease it creates, reads and renews, never deletes.
    expect(perms.kube.find((r) => r.resource === 'leases')!.verbs).toEqual(['create', 'get', 'patch']);
  });

  it('Flux steps are granted on their own API groups, from the kind they are given', () => {
    const perms = derivePermissions(shipped('unstick-metallb'), registry);
    expect(perms.kube.map((r) => `${r.apiGroup}/${r.resource}`)).toEqual(['/events', 'coordination.k8s.io/leases', 'helm.toolkit.fluxcd.io/helmreleases', 'kustomize.toolkit.fluxcd.io/kustomizations', 'scheduling.k8s.io/priorityclasses']);
    // The PriorityClass is only ensured: read, created, and deleted again on rollback.
    expect(perms.kube.find((r) => r.resource === 'priorityclasses')!.verbs).toEqual(['create', 'delete', 'get']);
    expect(perms.proxmox).toEqual([]);
  });

  it('fix-ballooning (a group) needs eviction, node patching and Proxmox memory + power privileges', () => {
    const perms = derivePermissions(shipped('fix-ballooning'), registry);
    expect(perms.kube).toContainEqual({ apiGroup: '', resource: 'pods/eviction', verbs: ['create'] });
    expect(perms.proxmox.flatMap((p) => p.privileges)).toEqual(expect.arrayContaining(['VM.Config.Memory', 'VM.PowerMgmt']));
  });

  it('a ClusterRole groups resources that share API group and verbs', () => {
    const role = clusterRole('r', { kube: [{ apiGroup: '', resource: 'nodes', verbs: ['get'] }, { apiGroup: '', resource: 'pods', verbs: ['get'] }, { apiGroup: 'apps', resource: 'deployments', verbs: ['get'] }], proxmox: [] });
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get'] }, { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }]);
  });
});

describe('cron', () => {
  it('validates five-field expressions with a useful error', () => {
    expect(validateCron('0 */6 * * *').next).toHaveLength(3);
    expect(() => validateCron('0 */6 * *')).toThrow(/has 4 fields/);
    expect(() => validateCron('61 * * * *')).toThrow(/invalid cron expression/);
  });

  it('translates to systemd OnCalendar', () => {
    expect(cronToOnCalendar('0 */6 * * *')).toBe('*-*-* 00/6:00:00 UTC');
    expect(cronToOnCalendar('30 3 * * 1-5')).toBe('Mon..Fri *-*-* 03:30:00 UTC');
    expect(cronToOnCalendar('15 2 1,15 * *')).toBe('*-*-01,15 02:15:00 UTC');
  });
});

describe('runbook schedule / rbac (CLI)', () => {
  it('emits ServiceAccount, ClusterRole, binding and a CronJob that never overlaps and has limits', async () => {
    const r = await runMain(['schedule', 'purge-dead-node', '--cron', '0 */6 * * *', '--param', 'node=k3s-replica-2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const docs = loadAll(r.stdout) as Array<{ kind: string; spec?: any }>;
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolumeClaim', 'CronJob']);
    const cron = docs[5]!.spec;
    expect(cron).toMatchObject({ schedule: '0 */6 * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3 });
    const container = cron.jobTemplate.spec.template.spec.containers[0];
    expect(container.args).toEqual(['run', 'purge-dead-node', '--yes', '--output', 'json', '--node', 'k3s-replica-2']);
    expect(container.resources.limits.memory).toBe('256Mi');
    expect(container.envFrom).toEqual([{ secretRef: { name: 'runbook-proxmox' } }]);
  });

  it('keeps journals and reports on a claim it creates, or on an existing one (--state-pvc); the image is the published one', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; config: { image: string } };
    const pod = (out: string) => (loadAll(out) as Array<{ kind: string; spec?: any }>).find((d) => d.kind === 'CronJob')!.spec.jobTemplate.spec.template.spec;
    const created = await runMain(['schedule', 'cluster-hygiene', '--cron', '0 */6 * * *']);
    expect(created.code).toBe(0);
    const claim = (loadAll(created.stdout) as Array<{ kind: string; metadata: { name: string; namespace: string } }>).find((d) => d.kind === 'PersistentVolumeClaim')!;
    expect(claim.metadata).toMatchObject({ name: 'runbook-cluster-hygiene-state', namespace: 'runbook-system' });
    const spec = pod(created.stdout);
    expect(spec.volumes).toEqual([{ name: 'state', persistentVolumeClaim: { claimName: 'runbook-cluster-hygiene-state' } }, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(spec.securityContext.fsGroup).toBe(spec.securityContext.runAsUser);
    const container = spec.containers[0];
    expect(container.image).toBe(`${pkg.config.image}:${pkg.version}`);
    expect(container.volumeMounts).toEqual([{ name: 'state', mountPath: '/var/lib/runbook' }, { name: 'tmp', mountPath: '/tmp' }]);
    expect(container.env).toContainEqual({ name: 'RUNBOOK_STATE_DIR', value: '/var/lib/runbook' });
    // The runbook's report files land on the claim unless the schedule names them.
    expect(container.args).toEqual(['run', 'cluster-hygiene', '--yes', '--output', 'json', '--report-json', '/var/lib/runbook/cluster-hygiene-report.json', '--report-markdown', '/var/lib/runbook/cluster-hygiene-report.md']);

    const existing = await runMain(['schedule', 'cluster-hygiene', '--cron', '0 */6 * * *', '--state-pvc', 'shared-state', '--param', 'report-json=/var/lib/runbook/h.json']);
    expect((loadAll(existing.stdout) as Array<{ kind: string }>).map((d) => d.kind)).not.toContain('PersistentVolumeClaim');
    expect(pod(existing.stdout).volumes[0]).toEqual({ name: 'state', persistentVolumeClaim: { claimName: 'shared-state' } });
    expect(pod(existing.stdout).containers[0].args).toEqual(['run', 'cluster-hygiene', '--yes', '--output', 'json', '--report-json', '/var/lib/runbook/h.json', '--report-markdown', '/var/lib/runbook/cluster-hygiene-report.md']);
  });

  it('refuses a schedule missing a required param, a bad cron, or an unknown param', async () => {
    expect((await runMain(['schedule', 'purge-dead-node', '--cron', '0 */6 * * *'])).stderr).toMatch(/missing required param --node/);
    const bad = await runMain(['schedule', 'purge-dead-node', '--cron', '0 */6 * *', '--param', 'node=x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/has 4 fields/);
    expect((await runMain(['schedule', 'purge-dead-node', '--cron', '0 * * * *', '--param', 'nod=x'])).stderr).toMatch(/did you mean `node`/);
  });

  it('rbac prints a ClusterRole that parses and the pveum commands', async () => {
    const r = await runMain(['rbac', 'fix-ballooning']);
    expect(r.code).toBe(0);
    const yaml = r.stdout.split('\n# Proxmox')[0]!;
    expect((load(yaml) as { kind: string }).kind).toBe('ClusterRole');
    // One role per ACL path: /nodes gets Sys.Audit only, /vms the VM privileges only.
    expect(r.stdout).toMatch(/pveum role add RunbookFixBallooningNodes --privs "Sys\.Audit"\n/);
    expect(r.stdout).toMatch(/pveum role add RunbookFixBallooningVms --privs "VM\.Audit,VM\.Config\.Memory,VM\.PowerMgmt"\n/);
    expect(r.stdout).toMatch(/pveum acl modify \/nodes --tokens 'runbook@pve!runbook' --roles RunbookFixBallooningNodes\n/);
  });

  it.skipIf(!hasSystemdAnalyze())('systemd accepts the OnCalendar it is given', () => {
    for (const expr of ['0 */6 * * *', '30 3 * * 1-5', '15 2 1,15 * *']) {
      expect(() => execFileSync('systemd-analyze', ['calendar', cronToOnCalendar(expr)], { stdio: 'pipe' })).not.toThrow();
    }
  });
});

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
