// Patches (merge, strategic, JSON) through kubectl and raw HTTPS, the status subresource,
// and deletion with finalizers (kubectl delete pv stays Terminating until a patch clears them).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { KUBE_BACKENDS, readyNode, runningPod, seed, startKubeFixture } from './fixture.js';
import type { KubeFixture } from './fixture.js';

let f: KubeFixture;
describe.each(KUBE_BACKENDS)('%s', (backend) => {
  beforeAll(async () => {
    f = await startKubeFixture(backend);
    await seed(f, readyNode('p1'));
  });
  afterAll(async () => { await f?.stop(); });

  const getJson = async (args: string[]) => {
    const r = await f.kubectl(['get', ...args, '-o', 'json']);
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  };

  const deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [
        { name: 'app', image: 'app:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
        { name: 'sidecar', image: 'side:1' },
      ] } },
    },
  };

  describe('kubectl patch', () => {
    test('--type=strategic merges containers by name and deletes with $patch: delete', async () => {
      await seed(f, deployment);
      const before = await getJson(['deployment', 'web']);
      let r = await f.kubectl(['patch', 'deployment', 'web', '--type=strategic', '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }] }] } } } })]);
      expect(r.stdout).toContain('deployment.apps/web patched');
      let d = await getJson(['deployment', 'web']);
      expect(d.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['app=app:2', 'sidecar=side:1']);
      // The server's order: the patch's items first, then what only the server had.
      expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'B', value: '2' }, { name: 'A', value: '1' }]);
      expect(d.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
      expect(d.metadata.generation).toBe(before.metadata.generation + 1);
      r = await f.kubectl(['patch', 'deployment', 'web', '--type=strategic', '-p', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } })]);
      expect(r.code).toBe(0);
      d = await getJson(['deployment', 'web']);
      expect(d.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['app']);
    });

    test('--type=merge replaces lists and null deletes keys', async () => {
      const r = await f.kubectl(['patch', 'deployment', 'web', '--type=merge', '-p', JSON.stringify({ metadata: { labels: { team: 'a' } }, spec: { template: { spec: { containers: [{ name: 'only', image: 'only:1' }] } } } })]);
      expect(r.code).toBe(0);
      const d = await getJson(['deployment', 'web']);
      // Replaced whole, then defaulted again as on every write.
      expect(d.spec.template.spec.containers).toEqual([{ name: 'only', image: 'only:1', imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }]);
      expect(d.metadata.labels).toEqual({ team: 'a' });
      await f.kubectl(['patch', 'deployment', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"team":null}}}']);
      expect((await getJson(['deployment', 'web'])).metadata.labels).toBeUndefined();
    });

    test('--type=json applies RFC 6902 operations; a failed test op is 422', async () => {
      let r = await f.kubectl(['patch', 'node', 'p1', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/zone","value":"a"},{"op":"replace","path":"/metadata/labels/zone","value":"b"}]']);
      expect(r.code).toBe(0);
      expect((await getJson(['node', 'p1'])).metadata.labels.zone).toBe('b');
      r = await f.kubectl(['patch', 'node', 'p1', '--type=json', '-p', '[{"op":"test","path":"/metadata/labels/zone","value":"z"},{"op":"remove","path":"/metadata/labels/zone"}]']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('the server rejected our request due to an error in our request');
      expect((await getJson(['node', 'p1'])).metadata.labels.zone).toBe('b');
      const notList = await f.request('PATCH', '/api/v1/nodes/p1', { op: 'add' }, { contentType: 'application/json-patch+json' });
      expect(notList.status).toBe(400);
    });

    test('strategic patches of node conditions through /status merge by type', async () => {
      const patch = { status: { conditions: [{ type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory' }] } };
      const r = await f.kubectl(['patch', 'node', 'p1', '--subresource=status', '--type=strategic', '-p', JSON.stringify(patch)]);
      expect(r.code).toBe(0);
      const n = await getJson(['node', 'p1']);
      expect(n.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`)).toEqual(['MemoryPressure=True', 'Ready=True']);
    });

    test('a resourceVersion in a patch is a precondition (409)', async () => {
      const res = await f.request('PATCH', '/api/v1/nodes/p1', { metadata: { resourceVersion: '1', labels: { x: 'y' } } }, { contentType: 'application/merge-patch+json' });
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/^Operation cannot be fulfilled on nodes "p1": the object has been modified/);
    });
  });

  describe('status subresource', () => {
    test('writes to the main resource keep the status; /status writes only the status', async () => {
      await seed(f, runningPod('stat', 'p1'));
      const pod = (await f.request('GET', '/api/v1/namespaces/default/pods/stat')).body;
      const put = await f.request('PUT', '/api/v1/namespaces/default/pods/stat', { ...pod, metadata: { ...pod.metadata, labels: { l: '1' } }, status: { phase: 'Failed' } });
      expect(put.status).toBe(200);
      expect(put.body.status.phase).toBe('Running');
      expect(put.body.metadata.labels).toEqual({ l: '1' });
      const st = await f.request('PATCH', '/api/v1/namespaces/default/pods/stat/status', { status: { phase: 'Failed' }, spec: { nodeName: 'elsewhere' } }, { contentType: 'application/merge-patch+json' });
      expect(st.body.status.phase).toBe('Failed');
      expect(st.body.spec.nodeName).toBe('p1');
    });
  });

  describe('pod updates', () => {
    test('a pod may change its images but not add containers or move node (422)', async () => {
      await seed(f, runningPod('fixed', 'p1'));
      const path = '/api/v1/namespaces/default/pods/fixed';
      const image = await f.request('PATCH', path, { spec: { containers: [{ name: 'app', image: 'registry.local/app:2' }] } }, { contentType: 'application/strategic-merge-patch+json' });
      expect(image.status).toBe(200);
      expect(image.body.spec.containers[0].image).toBe('registry.local/app:2');
      const added = await f.request('PATCH', path, { spec: { containers: [{ name: 'side', image: 'side:1' }] } }, { contentType: 'application/strategic-merge-patch+json' });
      expect(added.status).toBe(422);
      expect(added.body).toMatchObject({ reason: 'Invalid', message: 'Pod "fixed" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers' });
      const moved = await f.request('PATCH', path, { spec: { nodeName: 'elsewhere' } }, { contentType: 'application/merge-patch+json' });
      expect(moved.status).toBe(422);
      expect(moved.body.message).toMatch(/^Pod "fixed" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
      expect((await f.request('GET', path)).body.spec.nodeName).toBe('p1');
    });
  });

  describe('delete with finalizers', () => {
    test('kubectl delete pv waits while Terminating and returns once a patch removes the finalizer', async () => {
      // StorageObjectInUseProtection admission adds kubernetes.io/pv-protection on create.
      await seed(f, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-held' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv' } } });
      const child = spawn('kubectl', ['--kubeconfig', f.kubeconfigPath, 'delete', 'pv', 'pv-held', '--timeout=30s'], { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: f.dir } });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const pv: any = await eventually(async () => (await f.request('GET', '/api/v1/persistentvolumes/pv-held')).body, { what: 'pv-held to be terminating', until: (v: any) => Boolean(v.metadata.deletionTimestamp), intervalMs: 50 });
      expect(pv.metadata.deletionTimestamp).toMatch(/Z$/);
      expect((await f.kubectl(['get', 'pv', 'pv-held'])).stdout).toContain('Terminating');
      // A second delete is accepted and keeps it terminating; new finalizers are refused.
      expect((await f.request('DELETE', '/api/v1/persistentvolumes/pv-held')).status).toBe(200);
      expect((await f.request('GET', '/api/v1/persistentvolumes/pv-held')).body.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
      const add = await f.request('PATCH', '/api/v1/persistentvolumes/pv-held', { metadata: { finalizers: ['kubernetes.io/pv-protection', 'other'] } }, { contentType: 'application/merge-patch+json' });
      expect(add.status).toBe(422);
      const r = await f.kubectl(['patch', 'pv', 'pv-held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
      expect(r.code).toBe(0);
      expect(await exited).toBe(0);
      expect(out).toContain('persistentvolume "pv-held" deleted');
      expect((await f.request('GET', '/api/v1/persistentvolumes/pv-held')).status).toBe(404);
    });

    test('a strategic patch adds to metadata.finalizers (a merge list), a merge patch replaces it', async () => {
      await seed(f, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', namespace: 'default', finalizers: ['a.example/x'] } });
      await f.kubectl(['patch', 'configmap', 'fin', '--type=strategic', '-p', '{"metadata":{"finalizers":["b.example/y"]}}']);
      expect((await getJson(['configmap', 'fin'])).metadata.finalizers).toEqual(['b.example/y', 'a.example/x']);
      await f.kubectl(['delete', 'configmap', 'fin', '--wait=false']);
      await f.kubectl(['patch', 'configmap', 'fin', '--type=merge', '-p', '{"metadata":{"finalizers":["b.example/y"]}}']);
      expect((await getJson(['configmap', 'fin'])).metadata.deletionTimestamp).toBeDefined();
      await f.kubectl(['patch', 'configmap', 'fin', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
      expect((await f.kubectl(['get', 'configmap', 'fin'])).stderr).toContain('configmaps "fin" not found');
    });

    test('a bound pod is deleted gracefully (Terminating until grace 0), an unbound one at once; deletes answer like the real server', async () => {
      await seed(f, runningPod('gone', 'p1'));
      const del = await f.request('DELETE', '/api/v1/namespaces/default/pods/gone', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', gracePeriodSeconds: 30 });
      expect(del.status).toBe(200);
      expect(del.body.kind).toBe('Pod');
      expect(del.body.metadata.deletionGracePeriodSeconds).toBe(30);
      const deadline = Date.parse(del.body.metadata.deletionTimestamp) - Date.now();
      expect(deadline).toBeGreaterThan(20_000);
      expect(deadline).toBeLessThanOrEqual(31_000);
      // Still there (its kubelet has not confirmed); a longer grace does not move the deadline.
      const again = await f.request('DELETE', '/api/v1/namespaces/default/pods/gone?gracePeriodSeconds=60');
      expect(again.body.metadata.deletionTimestamp).toBe(del.body.metadata.deletionTimestamp);
      expect((await f.request('GET', '/api/v1/namespaces/default/pods/gone')).body.metadata.deletionGracePeriodSeconds).toBe(30);
      // What the kubelet (or `kubectl delete --force --grace-period=0`) sends: gone at once.
      const force = await f.request('DELETE', '/api/v1/namespaces/default/pods/gone?gracePeriodSeconds=0');
      expect(force.status).toBe(200);
      expect((await f.request('GET', '/api/v1/namespaces/default/pods/gone')).status).toBe(404);
      await seed(f, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'registry.local/app:1' }] } });
      expect((await f.request('DELETE', '/api/v1/namespaces/default/pods/unbound')).status).toBe(200);
      expect((await f.request('GET', '/api/v1/namespaces/default/pods/unbound')).status).toBe(404);
      const cm = await f.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'plain' } });
      const st = await f.request('DELETE', '/api/v1/namespaces/default/configmaps/plain');
      expect(st.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'plain', kind: 'configmaps', uid: cm.body.metadata.uid } });
      expect(st.body.code).toBeUndefined();
      expect((await f.request('DELETE', '/api/v1/namespaces/default/configmaps/plain')).body.message).toBe('configmaps "plain" not found');
    });

    test('delete preconditions that do not hold are a 409 naming the Kind', async () => {
      const cm = await seed(f, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre', namespace: 'default' } });
      const uid = await f.request('DELETE', '/api/v1/namespaces/default/configmaps/pre', { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: '6c3f1d2e-0000-4000-8000-000000000001' } });
      expect(uid.status).toBe(409);
      expect(uid.body).toMatchObject({
        reason: 'Conflict', details: { name: 'pre', kind: 'ConfigMap' },
        message: `Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (6c3f1d2e-0000-4000-8000-000000000001) does not match the UID in record (${cm.metadata.uid}). The object might have been deleted and then recreated`,
      });
      const rv = await f.request('DELETE', '/api/v1/namespaces/default/configmaps/pre', { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: '1' } });
      expect(rv.body.message).toBe(`Operation cannot be fulfilled on ConfigMap "pre": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${cm.metadata.resourceVersion}). The object might have been modified`);
      expect((await f.request('DELETE', '/api/v1/namespaces/default/configmaps/pre', { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: cm.metadata.uid } })).status).toBe(200);
    });

    test('a deleted namespace stays Terminating with its content and refuses new content (403 NamespaceTerminating)', async () => {
      await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
      await seed(f, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'doomed' } });
      const del = await f.request('DELETE', '/api/v1/namespaces/doomed');
      expect(del.status).toBe(200);
      expect(del.body).toMatchObject({ kind: 'Namespace', metadata: { name: 'doomed', deletionTimestamp: expect.stringMatching(/Z$/) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } });
      // No namespace controller runs here: the content stays, and so does the namespace.
      expect((await f.request('GET', '/api/v1/namespaces/doomed/configmaps/c')).status).toBe(200);
      const again = await f.request('DELETE', '/api/v1/namespaces/doomed');
      expect(again.body.metadata.deletionTimestamp).toBe(del.body.metadata.deletionTimestamp);
      const refused = await f.request('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'd' } });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        reason: 'Forbidden', message: 'configmaps "d" is forbidden: unable to create new content in namespace doomed because it is being terminated',
        details: { name: 'd', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', message: 'namespace doomed is being terminated', field: 'metadata.namespace' }] },
      });
    });

    test('deletecollection deletes what the label selector picks', async () => {
      for (const [name, group] of [['c1', 'x'], ['c2', 'x'], ['c3', 'y']]) await seed(f, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name!, namespace: 'default', labels: { group: group! } } });
      const res = await f.request('DELETE', '/api/v1/namespaces/default/configmaps?labelSelector=group%3Dx');
      expect(res.status).toBe(200);
      const left = await f.request('GET', '/api/v1/namespaces/default/configmaps?labelSelector=group');
      expect(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c3']);
    });
  });
});
