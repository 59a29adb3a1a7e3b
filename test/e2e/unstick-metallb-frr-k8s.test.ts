// unstick-metallb against MetalLB chart 0.16 (issue 10 item 6): FRR runs in the frr-k8s
// DaemonSet (`speaker.frr.enabled: false`, `frrk8s.enabled: true` are the chart's defaults), so
// limits under `speaker.frr` change nothing and Helm's upgrade keeps timing out on the leaking,
// unlimited FRR. The runbook must find the chart version and limit the containers where they
// are (the reloader too), through the CLI against the lab.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { runMain } from '../support/in-process.js';
import { proxmoxSection } from '../support/k3s-scenarios.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});
const exec = promisify(execFile);

const SCENARIO = `
name: metallb-0-16
${proxmoxSection([[101, 'k3s-server-0'], [111, 'k3s-replica-0']])}kubernetes:
  nodes:
    - { name: k3s-server-0, role: control-plane, vmid: 101 }
    - { name: k3s-replica-0, role: worker, vmid: 111 }
  namespaces: [metallb-system, flux-system]
  workloads:
    - kind: DaemonSet
      name: metallb-speaker
      namespace: metallb-system
      labels: { app.kubernetes.io/name: metallb, app.kubernetes.io/component: speaker }
      containers:
        - { name: speaker, image: 'quay.io/metallb/speaker:v0.16.0', usage: 40Mi }
    # chart 0.16: the frr-k8s subchart's DaemonSet (templates/controller.yaml of frr-k8s 0.0.25)
    - kind: DaemonSet
      name: metallb-frr-k8s
      namespace: metallb-system
      labels: { app.kubernetes.io/name: frr-k8s, app.kubernetes.io/component: frr-k8s }
      containers:
        - { name: controller, image: 'quay.io/metallb/frr-k8s:v0.0.25', usage: 30Mi }
        - { name: frr, image: 'quay.io/frrouting/frr:10.4.3', usage: 280Mi, usageAfterRestart: 64Mi, processes: [zebra, bgpd, staticd], restartCount: 12 }
        - { name: reloader, image: 'quay.io/frrouting/frr:10.4.3', usage: 15Mi }
        - { name: frr-metrics, image: 'quay.io/frrouting/frr:10.4.3', usage: 25Mi }
        - { name: frr-status, image: 'quay.io/metallb/frr-k8s:v0.0.25', usage: 10Mi }
  flux:
    helmReleases:
      - name: metallb
        namespace: metallb-system
        chart: metallb
        version: 0.16.0
        sourceRef: { kind: HelmRepository, name: metallb, namespace: flux-system }
        values:
          speaker: { priorityClassName: system-infrastructure }
        ready: { status: 'False', reason: RetriesExceeded, message: 'Helm upgrade failed for release metallb-system/metallb with chart metallb@0.16.0: context deadline exceeded' }
        stalled: { status: 'True', reason: RetriesExceeded, message: Failed to upgrade after 4 attempt(s) }
    kustomizations:
      - name: infra-controllers
        namespace: flux-system
        path: ./kubernetes/infra/controllers
        inventory:
          - { apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, name: metallb, namespace: metallb-system }
        ready: { status: 'False', reason: HealthCheckFailed, message: "health check failed: [HelmRelease/metallb-system/metallb status: 'Failed']" }
`;

type Container = { name: string; resources?: { limits?: Record<string, string> } };

describe('unstick-metallb on MetalLB chart 0.16 (frr-k8s)', () => {
  it('limits FRR, its reloader and metrics in the frr-k8s DaemonSet, so the release becomes Ready', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-frrk8s-'));
    writeFileSync(join(root, 'scenario.yaml'), SCENARIO);
    const lab = await startLab({ dir: join(root, 'lab'), scenario: join(root, 'scenario.yaml'), crashLoopSeconds: 1 });
    labs.push(lab);
    lab.settle();
    const env = { KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath };
    const kubectl = async (...args: string[]) => (await exec('kubectl', ['--kubeconfig', lab.kubeconfigPath, ...args], { encoding: 'utf8' })).stdout;

    const r = await runMain(['--state-dir', join(root, 'state'), 'run', 'unstick-metallb', '--stable-for', '1s', '--timeout', '20s', '--yes'], { env });
    expect(r.code, r.stdout.slice(-1500)).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/chart 0\.16\.0 runs FRR in frr-k8s/);

    const values = JSON.parse(await kubectl('get', 'helmrelease', '-n', 'metallb-system', 'metallb', '-o', 'jsonpath={.spec.values}')) as Record<string, any>;
    expect(values['frr-k8s'].frrk8s).toEqual({
      frr: { resources: { limits: { memory: '128Mi', cpu: '200m' } } },
      reloader: { resources: { limits: { memory: '32Mi', cpu: '50m' } } },
      frrMetrics: { resources: { limits: { memory: '64Mi', cpu: '100m' } } },
    });
    expect(values.speaker).toEqual({ priorityClassName: 'infrastructure-priority', resources: { limits: { memory: '64Mi', cpu: '100m' } } });

    const template = JSON.parse(await kubectl('get', 'daemonset', '-n', 'metallb-system', 'metallb-frr-k8s', '-o', 'jsonpath={.spec.template.spec.containers}')) as Container[];
    expect(Object.fromEntries(template.map((c) => [c.name, c.resources?.limits?.memory]))).toEqual({ controller: undefined, frr: '128Mi', reloader: '32Mi', 'frr-metrics': '64Mi', 'frr-status': undefined });
    expect(await kubectl('get', 'helmrelease', '-n', 'metallb-system', 'metallb', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')).toBe('True');
  }, 120_000);
});
