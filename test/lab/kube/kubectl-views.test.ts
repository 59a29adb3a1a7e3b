// What an operator sees with kubectl against the lab: table columns of get, describe node,
// the Flux custom resources, PriorityClasses, and create -f with the server's validation.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KUBE_BACKENDS, readyNode, runningPod, seed, startKubeFixture } from './fixture.js';
import type { KubeFixture } from './fixture.js';

let f: KubeFixture;
describe.each(KUBE_BACKENDS)('%s', (backend) => {
  beforeAll(async () => {
    f = await startKubeFixture(backend);
    await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    await seed(f, readyNode('k3s-1', { metadata: { name: 'k3s-1', labels: { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' } } }));
    const down = readyNode('k3s-2');
    down.status.conditions = [{ ...down.status.conditions[0]!, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }];
    await seed(f, { ...down, spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }] } });
    await seed(f, runningPod('web-1', 'k3s-1', { app: 'web' }));
    await seed(f, { ...runningPod('web-2', 'k3s-2', { app: 'web' }, { namespace: 'flux-system' }), status: { phase: 'Pending' } });
    await seed(f, {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'podinfo', namespace: 'flux-system' }, spec: { interval: '5m', chart: { spec: { chart: 'podinfo' } } },
      status: { conditions: [{ type: 'Ready', status: 'False', reason: 'InstallFailed', message: 'Helm install failed: timed out', lastTransitionTime: '2025-08-01T00:00:00Z' }] },
    });
  });
  afterAll(async () => { await f?.stop(); });

  describe('kubectl get', () => {
    test('get nodes shows STATUS (SchedulingDisabled; NotReady for a Ready=Unknown node, as printNode does), ROLES and VERSION', async () => {
      await f.kubectl(['cordon', 'k3s-1']);
      const r = await f.kubectl(['get', 'nodes']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
      expect(lines[1]).toMatch(/^k3s-1\s+Ready,SchedulingDisabled\s+control-plane,master\s+\S+\s+v1\.32\.4\+k3s1$/);
      expect(lines[2]).toMatch(/^k3s-2\s+NotReady\s+<none>/);
      await f.kubectl(['uncordon', 'k3s-1']);
    });

    test('get pods -A -o wide shows namespace, status and node', async () => {
      const r = await f.kubectl(['get', 'pods', '-A', '-o', 'wide']);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
      expect(lines).toEqual(expect.arrayContaining([
        expect.stringMatching(/^default\s+web-1\s+1\/1\s+Running\s+0\s+\S+\s+10\.42\.0\.10\s+k3s-1\s/),
        expect.stringMatching(/^flux-system\s+web-2\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+k3s-2\s/),
      ]));
    });

    test('get helmreleases.helm.toolkit.fluxcd.io -A uses the CRD printer columns', async () => {
      const r = await f.kubectl(['get', 'helmreleases.helm.toolkit.fluxcd.io', '-A']);
      const lines = r.stdout.trim().split('\n');
      // The CRD's own column order: Flux lists Age first.
      expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+AGE\s+READY\s+STATUS$/);
      expect(lines[1]).toMatch(/^flux-system\s+podinfo\s+\S+\s+False\s+Helm install failed: timed out$/);
      const short = await f.kubectl(['get', 'hr', '-n', 'flux-system', '-o', 'jsonpath={.items[0].status.conditions[0].reason}']);
      expect(short.stdout).toBe('InstallFailed');
    });

    test('get deployments and pvc show replica counts and claim status', async () => {
      await seed(f, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' },
        spec: { replicas: 3, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:2' }] } } },
        status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      });
      const d = await f.kubectl(['get', 'deploy', 'api', '-o', 'wide']);
      expect(d.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\napi\s+2\/3\s+3\s+2\s+\S+\s+api\s+api:2\s+app=api\n$/);
      await seed(f, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', volumeName: 'pv-1', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } });
      const pvc = await f.kubectl(['get', 'pvc', 'data']);
      // VOLUMEATTRIBUTESCLASS is a column since 1.29: the lab (1.32) prints it, v1.20 does not.
      const attributesClass = backend === 'lab' ? '\\s+<unset>' : '';
      expect(pvc.stdout.split('\n')[1]).toMatch(new RegExp(`^data\\s+Bound\\s+pv-1\\s+1Gi\\s+RWO\\s+local-path${attributesClass}\\s+\\S+$`));
    });

    test('get crd lists the Flux CRDs', async () => {
      const r = await f.kubectl(['get', 'crd', '-o', 'name']);
      expect(r.stdout.trim().split('\n').sort()).toEqual([
        'customresourcedefinition.apiextensions.k8s.io/gitrepositories.source.toolkit.fluxcd.io',
        'customresourcedefinition.apiextensions.k8s.io/helmreleases.helm.toolkit.fluxcd.io',
        'customresourcedefinition.apiextensions.k8s.io/helmrepositories.source.toolkit.fluxcd.io',
        'customresourcedefinition.apiextensions.k8s.io/kustomizations.kustomize.toolkit.fluxcd.io',
      ]);
    });

    test('get priorityclass shows value, global default and preemption policy', async () => {
      const r = await f.kubectl(['get', 'priorityclass']);
      const lines = r.stdout.trim().split('\n');
      // PREEMPTIONPOLICY is a column since 1.24: the lab (1.32) prints it, v1.20 does not.
      const preemption = backend === 'lab' ? '\\s+PREEMPTIONPOLICY' : '';
      expect(lines[0]).toMatch(new RegExp(`^NAME\\s+VALUE\\s+GLOBAL-DEFAULT\\s+AGE${preemption}$`));
      expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^system-node-critical\\s+2000001000\\s+false\\s+\\S+${backend === 'lab' ? '\\s+PreemptLowerPriority' : ''}$`))]));
    });
  });

  describe('kubectl describe and create', () => {
    test('describe node shows taints, conditions and the pods on it', async () => {
      const r = await f.kubectl(['describe', 'node', 'k3s-2']);
      expect(r.code).toBe(0);
      // TaintNodesByCondition admission put not-ready on the new node; nothing here lifted it.
      expect(r.stdout).toMatch(/Taints:\s+node\.kubernetes\.io\/not-ready:NoSchedule\n\s+node\.kubernetes\.io\/unreachable:NoSchedule\n/);
      expect(r.stdout).toMatch(/Unschedulable:\s+false/);
      expect(r.stdout).toMatch(/Ready\s+Unknown\s+.*NodeStatusUnknown\s+Kubelet stopped posting node status\./);
      expect(r.stdout).toMatch(/flux-system\s+web-2/);
    });

    test('create -f of a PriorityClass named system-x is rejected with the real message', async () => {
      const manifest = 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: system-x\nvalue: 1000\n';
      const r = await f.kubectl(['create', '-f', '-'], manifest);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`The PriorityClass "system-x" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-x is not a known system priority class`);
      const ok = await f.kubectl(['create', '-f', '-'], manifest.replace('system-x', 'batch-low').replace('1000', '-10'));
      expect(ok.stdout.trim()).toBe('priorityclass.scheduling.k8s.io/batch-low created');
      const again = await f.kubectl(['create', '-f', '-'], manifest.replace('system-x', 'batch-low'));
      expect(again.stderr).toContain('Error from server (AlreadyExists)');
    });

    test('an update may not change a PriorityClass value', async () => {
      const r = await f.kubectl(['patch', 'priorityclass', 'batch-low', '--type=merge', '-p', '{"value":5}']);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim()).toBe('The PriorityClass "batch-low" is invalid: Value: Forbidden: may not be changed in an update.');
    });
  });

  describe('kubectl scale and auth can-i', () => {
    test('scale patches spec.replicas through the scale subresource', async () => {
      const r = await f.kubectl(['scale', 'deployment', 'api', '--replicas=5']);
      expect(r.stdout.trim()).toBe('deployment.apps/api scaled');
      const d = (await f.request('GET', '/apis/apps/v1/namespaces/default/deployments/api')).body;
      expect(d.spec.replicas).toBe(5);
      expect(d.status.readyReplicas).toBe(2);
      const scale = await f.request('GET', '/apis/apps/v1/namespaces/default/deployments/api/scale');
      expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 }, status: { replicas: 3, selector: 'app=api' } });
      const stale = await f.request('PUT', '/apis/apps/v1/namespaces/default/deployments/api/scale', { ...scale.body, metadata: { ...scale.body.metadata, resourceVersion: '1' }, spec: { replicas: 1 } });
      expect(stale.status).toBe(409);
    });

    test('auth can-i answers yes for the admin token', async () => {
      const r = await f.kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'default']);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('yes');
    });
  });
});
