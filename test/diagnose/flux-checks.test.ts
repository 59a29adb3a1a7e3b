// Failed HelmReleases, DependencyNotReady chains traced to their root, reserved PriorityClass
// names (events, values, pods, GitOps checkout) and etcd/apiserver instability.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiStability } from '../../src/diagnose/checks/api-stability.js';
import { helmReleases } from '../../src/diagnose/checks/helm-releases.js';
import { kustomizations } from '../../src/diagnose/checks/kustomizations.js';
import { reservedPriorityClass } from '../../src/diagnose/checks/reserved-priority-class.js';
import { scanGitops, scanYamlText } from '../../src/diagnose/gitops-scan.js';
import { event, flux, options, pod, snapshot } from './fixtures.js';

const leader = 'Helm upgrade failed for release metallb-system/metallb with chart metallb@0.14.8: etcdserver: leader changed';
const hr = () => flux('HelmRelease', 'metallb-system', 'metallb', { status: 'False', reason: 'RetriesExceeded', message: leader }, { stalled: true, values: { speaker: { priorityClassName: 'system-infrastructure' } } });
const chain = () => [
  flux('Kustomization', 'flux-system', 'apps', { status: 'False', reason: 'DependencyNotReady', message: "dependency 'flux-system/infra-configs' is not ready" }, { dependsOn: ['infra-configs'] }),
  flux('Kustomization', 'flux-system', 'infra-configs', { status: 'False', reason: 'DependencyNotReady', message: "dependency 'flux-system/infra-controllers' is not ready" }, { dependsOn: ['infra-controllers'] }),
  flux('Kustomization', 'flux-system', 'infra-controllers', { status: 'False', reason: 'HealthCheckFailed', message: "health check failed: [HelmRelease/metallb-system/metallb status: 'Failed']" }),
  flux('Kustomization', 'flux-system', 'ok', { status: 'True', reason: 'ReconciliationSucceeded' }),
];

describe('flux.helmrelease', () => {
  it('a stalled release is critical and unstick-metallb gets its name and the Kustomization that deploys it', () => {
    const [f, ...rest] = helmReleases({ snap: snapshot({ helmReleases: [hr(), flux('HelmRelease', 'x', 'fine', { status: 'True', reason: 'UpgradeSucceeded' })], kustomizations: chain() }), opts: options() });
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('critical');
    expect(f!.evidence[0]).toBe(`Ready=False RetriesExceeded: ${leader}`);
    expect(f!.fix).toEqual({ runbook: 'unstick-metallb', params: { namespace: 'metallb-system', release: 'metallb', 'flux-namespace': 'flux-system', root: 'infra-controllers' } });
  });

  it('a release still progressing is a warning', () => {
    const progressing = flux('HelmRelease', 'x', 'y', { status: 'Unknown', reason: 'Progressing' });
    expect(helmReleases({ snap: snapshot({ helmReleases: [progressing] }), opts: options() }).map((f) => f.severity)).toEqual(['warning']);
  });
});

describe('flux.dependency-chain', () => {
  it('traces DependencyNotReady to the root and reports once there, down to the HelmRelease', () => {
    const found = kustomizations({ snap: snapshot({ kustomizations: chain() }), opts: options() });
    expect(found.map((f) => [f.id, f.check])).toEqual([['kustomization:flux-system/infra-controllers', 'flux.dependency-chain']]);
    const f = found[0]!;
    expect(f.title).toBe('2 Kustomization(s) blocked behind flux-system/infra-controllers (HelmRelease metallb-system/metallb): fix infrastructure first');
    expect(f.evidence).toContain('chain: kustomization/flux-system/apps -> kustomization/flux-system/infra-configs -> kustomization/flux-system/infra-controllers -> helmrelease/metallb-system/metallb');
    expect(f.objects).toEqual(['kustomization/flux-system/infra-controllers', 'kustomization/flux-system/apps', 'kustomization/flux-system/infra-configs', 'helmrelease/metallb-system/metallb']);
  });

  it('a failed Kustomization nothing waits on is reported alone; all Ready gives nothing', () => {
    const lone = [flux('Kustomization', 'flux-system', 'x', { status: 'False', reason: 'BuildFailed', message: 'kustomize build failed' })];
    expect(kustomizations({ snap: snapshot({ kustomizations: lone }), opts: options() }).map((f) => [f.id, f.check])).toEqual([['kustomization:flux-system/x', 'flux.kustomization']]);
    expect(kustomizations({ snap: snapshot({ kustomizations: [chain()[3]!] }), opts: options() })).toEqual([]);
  });
});

describe('flux.reserved-priority-class', () => {
  it('collects one name from the rejection event, HelmRelease values and pods; the built-ins are fine', () => {
    const snap = snapshot({
      helmReleases: [hr()],
      events: [event({ kind: 'Kustomization', name: 'infra-controllers', ns: 'flux-system', reason: 'ReconciliationFailed', message: 'PriorityClass/system-infrastructure dry-run failed (Invalid): PriorityClass.scheduling.k8s.io "system-infrastructure" is invalid' })],
      pods: [pod('p', { priorityClassName: 'system-infrastructure' }), pod('dns', { priorityClassName: 'system-cluster-critical' })],
    });
    const found = reservedPriorityClass({ snap, opts: options() });
    expect(found.map((f) => f.id)).toEqual(['reserved-priorityclass:system-infrastructure']);
    expect(found[0]!.objects).toEqual(['priorityclass/system-infrastructure', 'kustomization/flux-system/infra-controllers', 'helmrelease/metallb-system/metallb', 'pod/default/p']);
    expect(found[0]!.evidence).toContain('helmrelease/metallb-system/metallb values speaker.priorityClassName: system-infrastructure');
  });

  const dir = mkdtempSync(join(tmpdir(), 'diag-gitops-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scans a GitOps checkout: PriorityClass objects and priorityClassName references, with file and line', async () => {
    mkdirSync(join(dir, 'infra', 'metallb'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'x.yaml'), 'priorityClassName: system-ignored\n');
    writeFileSync(join(dir, 'infra', 'priority.yaml'), ['---', 'apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', 'metadata:', '  name: system-infrastructure', 'value: 1000000', '---', 'apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', 'metadata:', '  name: infrastructure-priority', 'value: 1'].join('\n'));
    writeFileSync(join(dir, 'infra', 'metallb', 'release.yaml'), ['spec:', '  values:', '    speaker:', '      # was fine before', '      priorityClassName: system-infrastructure', '    controller:', '      priorityClassName: system-cluster-critical'].join('\n'));
    writeFileSync(join(dir, 'notes.txt'), 'priorityClassName: system-nope');
    const hits = await scanGitops(dir);
    expect(hits).toEqual([
      { file: join('infra', 'metallb', 'release.yaml'), line: 5, name: 'system-infrastructure', via: 'priorityClassName' },
      { file: join('infra', 'priority.yaml'), line: 5, name: 'system-infrastructure', via: 'PriorityClass' },
    ]);
    const found = reservedPriorityClass({ snap: snapshot({ gitops: hits }), opts: options() });
    expect(found[0]!.evidence).toEqual(['infra/metallb/release.yaml:5: priorityClassName: system-infrastructure', 'infra/priority.yaml:5: kind: PriorityClass named system-infrastructure']);
  });

  it('skips a broken YAML document and keeps scanning the others', () => {
    expect(scanYamlText('a: [\n---\npriorityClassName: system-x\n', 'f.yaml')).toEqual([{ file: 'f.yaml', line: 3, name: 'system-x', via: 'priorityClassName' }]);
  });
});

describe('api stability', () => {
  it('reports etcd leader changes from events and Flux conditions, and an unready apiserver', () => {
    const snap = snapshot({ apiReady: false, helmReleases: [hr()], events: [event({ kind: 'HelmRelease', name: 'metallb', ns: 'metallb-system', reason: 'UpgradeFailed', message: leader, count: 3 })] });
    const found = apiStability({ snap, opts: options() });
    expect(found.map((f) => [f.id, f.severity])).toEqual([['apiserver-unready', 'critical'], ['etcd-instability', 'critical']]);
    expect(found[1]!.title).toBe('etcd instability: 4 leader change/timeout report(s)');
    expect(apiStability({ snap: snapshot(), opts: options() })).toEqual([]);
  });
});
