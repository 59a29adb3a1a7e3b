// Lists (pagination, selectors) and watches through client-node and kubectl.
import { CoreV1Api, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { KUBE_BACKENDS, readyNode, runningPod, seed, startKubeFixture } from './fixture.js';
import type { KubeFixture } from './fixture.js';

let f: KubeFixture;
describe.each(KUBE_BACKENDS)('%s', (backend) => {
  beforeAll(async () => {
    f = await startKubeFixture(backend);
    await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sel' } });
    await seed(f, readyNode('w1'));
    await seed(f, { ...readyNode('w2'), spec: { unschedulable: true } });
    await seed(f, runningPod('a', 'w1', { app: 'web', tier: 'front' }, { namespace: 'sel' }));
    await seed(f, runningPod('b', 'w1', { app: 'web', tier: 'back' }, { namespace: 'sel' }));
    await seed(f, runningPod('c', 'w2', { app: 'db' }, { namespace: 'sel' }));
    await seed(f, { ...runningPod('d', 'w2', {}, { namespace: 'sel' }), status: { phase: 'Succeeded' } });
  });
  afterAll(async () => { await f?.stop(); });

  const core = () => f.kc.makeApiClient(CoreV1Api);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const names = (l: { items: { metadata?: { name?: string } }[] }) => l.items.map((i) => i.metadata?.name);

  describe('list', () => {
    test('limit/continue pages through everything with remainingItemCount', async () => {
      for (let i = 0; i < 5; i++) await core().createNamespacedConfigMap({ namespace: 'sel', body: { metadata: { name: `page-${i}` } } });
      const first = await core().listNamespacedConfigMap({ namespace: 'sel', limit: 2 });
      expect(names(first)).toEqual(['page-0', 'page-1']);
      expect(first.metadata?.remainingItemCount).toBe(3);
      expect(first.metadata?.resourceVersion).toMatch(/^\d+$/);
      const seen = [...names(first)];
      let token = first.metadata?._continue;
      while (token) {
        const page = await core().listNamespacedConfigMap({ namespace: 'sel', limit: 2, _continue: token });
        seen.push(...names(page));
        token = page.metadata?._continue;
      }
      expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
      const bad = await f.request('GET', '/api/v1/namespaces/sel/configmaps?limit=1&continue=abc');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ reason: 'BadRequest', message: expect.stringMatching(/^invalid continue token: continue key is not valid: /) });
    });

    test('label selectors: =, ==, !=, in, notin, exists, !exists', async () => {
      const sel = async (labelSelector: string) => names(await core().listNamespacedPod({ namespace: 'sel', labelSelector })).sort();
      expect(await sel('app=web')).toEqual(['a', 'b']);
      expect(await sel('app==web,tier=back')).toEqual(['b']);
      expect(await sel('app!=web')).toEqual(['c', 'd']);
      expect(await sel('app in (web,db)')).toEqual(['a', 'b', 'c']);
      expect(await sel('tier notin (front)')).toEqual(['b', 'c', 'd']);
      expect(await sel('tier')).toEqual(['a', 'b']);
      expect(await sel('!app')).toEqual(['d']);
      // What cannot be parsed is a 400 with the parser's own words.
      for (const [selector, message] of [
        ['a b c', "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"],
        ['app===', "unable to parse requirement: found '=', expected: identifier"],
        ['app in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
        ['app=a,', "found '', expected: identifier after ','"],
      ] as const) {
        const res = await f.request('GET', `/api/v1/namespaces/sel/pods?labelSelector=${encodeURIComponent(selector)}`);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ reason: 'BadRequest', message });
      }
    });

    test('field selectors: spec.nodeName, status.phase, metadata.name, spec.unschedulable', async () => {
      const pods = async (fieldSelector: string) => names(await core().listPodForAllNamespaces({ fieldSelector })).sort();
      expect(await pods('spec.nodeName=w2')).toEqual(['c', 'd']);
      expect(await pods('spec.nodeName=w2,status.phase!=Succeeded,status.phase!=Failed')).toEqual(['c']);
      expect(await pods('metadata.name=a')).toEqual(['a']);
      expect(names(await core().listNode({ fieldSelector: 'spec.unschedulable=false' }))).toEqual(['w1']);
      const bad = await f.request('GET', '/api/v1/pods?fieldSelector=spec.color%3Dred');
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe('field label not supported: spec.color');
    });

    test('event field selectors on involvedObject, type and reason', async () => {
      const node = await core().readNode({ name: 'w1' });
      await core().createNamespacedEvent({ namespace: 'default', body: {
        metadata: { name: 'w1.evt1' }, involvedObject: { kind: 'Node', name: 'w1', uid: node.metadata?.uid }, reason: 'NodeNotReady', type: 'Warning', message: 'Node w1 status is now: NodeNotReady', source: { component: 'node-controller' },
      } });
      const found = await core().listEventForAllNamespaces({ fieldSelector: `involvedObject.kind=Node,involvedObject.name=w1,involvedObject.uid=${node.metadata?.uid},type=Warning,reason=NodeNotReady` });
      expect(names(found)).toEqual(['w1.evt1']);
    });

    test('kubectl get pods --field-selector spec.nodeName=w1', async () => {
      const r = await f.kubectl(['get', 'pods', '-n', 'sel', '--field-selector', 'spec.nodeName=w1', '-o', 'name']);
      expect(r.stdout.trim().split('\n')).toEqual(['pod/a', 'pod/b']);
    });
  });

  interface Seen { type: string; name: string; labels?: Record<string, string> }

  function watchPods(path: string, params: Record<string, string>, seen: Seen[]): Promise<AbortController> {
    return new Watch(f.kc).watch(path, params, (type, obj: { metadata: { name: string; labels?: Record<string, string> } }) => {
      seen.push({ type, name: obj.metadata.name, labels: obj.metadata.labels });
    }, () => undefined);
  }

  const until = (check: () => boolean) => eventually(check, 'the watch events');

  describe('watch', () => {
    test('streams ADDED for existing objects, then MODIFIED and DELETED as they happen', async () => {
      await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } });
      await core().createNamespacedConfigMap({ namespace: 'watched', body: { metadata: { name: 'one' } } });
      const seen: Seen[] = [];
      const ctl = await watchPods('/api/v1/namespaces/watched/configmaps', {}, seen as Seen[]);
      await until(() => seen.length === 1);
      await core().patchNamespacedConfigMap({ name: 'one', namespace: 'watched', body: { data: { k: 'v' } } }, merge);
      await core().createNamespacedConfigMap({ namespace: 'watched', body: { metadata: { name: 'two' } } });
      await core().deleteNamespacedConfigMap({ name: 'one', namespace: 'watched' });
      await until(() => seen.length === 4);
      ctl.abort();
      expect(seen.map((s) => `${s.type} ${s.name}`)).toEqual(['ADDED one', 'MODIFIED one', 'ADDED two', 'DELETED one']);
    });

    test('a label selector turns relabelling into DELETED / ADDED', async () => {
      const seen: Seen[] = [];
      const ctl = await watchPods('/api/v1/namespaces/sel/pods', { labelSelector: 'app=web' }, seen);
      await until(() => seen.length === 2);
      await core().patchNamespacedPod({ name: 'a', namespace: 'sel', body: { metadata: { labels: { app: 'gone' } } } }, merge);
      await core().patchNamespacedPod({ name: 'c', namespace: 'sel', body: { metadata: { labels: { app: 'web' } } } }, merge);
      await until(() => seen.length === 4);
      ctl.abort();
      expect(seen.slice(2).map((s) => `${s.type} ${s.name}`)).toEqual(['DELETED a', 'ADDED c']);
      // Put the labels back for the other tests.
      await core().patchNamespacedPod({ name: 'a', namespace: 'sel', body: { metadata: { labels: { app: 'web' } } } }, merge);
      await core().patchNamespacedPod({ name: 'c', namespace: 'sel', body: { metadata: { labels: { app: 'db' } } } }, merge);
    });

    test('watching from a resourceVersion replays only what came after it', async () => {
      const list = await core().listNamespacedConfigMap({ namespace: 'sel' });
      await core().createNamespacedConfigMap({ namespace: 'sel', body: { metadata: { name: 'after-list' } } });
      const seen: Seen[] = [];
      const ctl = await watchPods('/api/v1/namespaces/sel/configmaps', { resourceVersion: list.metadata!.resourceVersion! }, seen);
      await until(() => seen.length === 1);
      ctl.abort();
      expect(seen).toEqual([{ type: 'ADDED', name: 'after-list', labels: undefined }]);
    });

    test('a raw watch is a stream of JSON lines and ends at timeoutSeconds', async () => {
      const res = await f.request('GET', '/api/v1/nodes?watch=true&timeoutSeconds=1');
      const lines = res.text.trim().split('\n').map((l) => JSON.parse(l));
      // The initial ADDED events come in no set order: the real server replays its watch cache's
      // store (a Go map, watch_cache.go GetAllEventsSinceThreadUnsafe), so compare them as a set.
      expect(lines.map((l) => `${l.type} ${l.object.kind} ${l.object.metadata.name}`).sort()).toEqual(['ADDED Node w1', 'ADDED Node w2']);
    });
  });
});

// The lab keeps one history of its last 2000 changes for resumed watches; a real server keeps a
// per-resource watch cache sized by its own rules (v1.20 answered a watch from resourceVersion 2
// with an empty stream here), so when a window has passed cannot be forced the same way on both.
describe('lab only: watch history', () => {
  let lab: KubeFixture;
  beforeAll(async () => { lab = await startKubeFixture('lab'); });
  afterAll(async () => { await lab?.stop(); });

  test('a watch from a resourceVersion older than the history gets an ERROR event 410 Expired', async () => {
    for (let i = 0; i < 2100; i++) await lab.request('POST', '/api/v1/namespaces/default/secrets', { metadata: { name: `churn-${i}` } });
    const res = await lab.request('GET', '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=2');
    const events = res.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(events).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
    expect(events[0].object.message).toMatch(/^too old resource version: 2 \(\d+\)$/);
  });
});
