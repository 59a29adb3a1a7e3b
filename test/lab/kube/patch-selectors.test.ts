// The pure parts: the three patch formats and the selector parsers.
import { describe, expect, test } from 'vitest';
import { jsonPatch, mergePatch, PatchError, strategicMerge } from '../../../src/lab/kube/patch.js';
import { labelSelectorObjectMatcher, parseFieldSelector, parseLabelSelector } from '../../../src/lab/kube/selectors.js';
import { KubeStatusError } from '../../../src/lab/kube/status.js';

describe('mergePatch (RFC 7386)', () => {
  test('objects merge, null deletes, lists are replaced', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] })).toEqual({ a: 1, b: { d: 3, e: 4 }, l: [3] });
  });
});

describe('strategicMerge', () => {
  const pod = {
    metadata: { finalizers: ['a'], labels: { x: '1' } },
    spec: {
      containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 80, name: 'http' }] }, { name: 'side', image: 's:1' }],
      tolerations: [{ key: 't1' }],
    },
    status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] },
  };

  test('merges containers by name, ports by containerPort, conditions by type', () => {
    const out = strategicMerge(pod, {
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 443 }] }, { name: 'new', image: 'n:1' }] },
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    }) as typeof pod & { spec: { containers: { name: string; ports?: unknown[] }[] } };
    // The real server's order (checked on v1.20): patch items first, server-only ones at their old places.
    expect(out.spec.containers.map((c) => c.name)).toEqual(['app', 'new', 'side']);
    expect(out.spec.containers[0]!.ports).toEqual([{ containerPort: 443 }, { containerPort: 80, name: 'http' }]);
    expect(out.status.conditions).toEqual([{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }]);
  });

  test('$patch: delete removes one element, $patch: replace a whole list, lists without a strategy are replaced', () => {
    const del = strategicMerge(pod, { spec: { containers: [{ name: 'side', $patch: 'delete' }], tolerations: [{ key: 't2' }] } }) as typeof pod;
    expect(del.spec.containers.map((c) => c.name)).toEqual(['app']);
    expect(del.spec.tolerations).toEqual([{ key: 't2' }]);
    const rep = strategicMerge(pod, { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] } }) as typeof pod;
    expect(rep.spec.containers).toEqual([{ name: 'only', image: 'o:1' }]);
  });

  test('finalizers are a set: a patch adds, $deleteFromPrimitiveList removes; a map with $patch: delete goes', () => {
    expect((strategicMerge(pod, { metadata: { finalizers: ['b', 'a'] } }) as typeof pod).metadata.finalizers).toEqual(['b', 'a']);
    expect((strategicMerge(pod, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }) as typeof pod).metadata.finalizers).toEqual([]);
    expect((strategicMerge(pod, { metadata: { labels: { $patch: 'delete' } } }) as typeof pod).metadata.labels).toBeUndefined();
  });
});

describe('jsonPatch (RFC 6902)', () => {
  const doc = { metadata: { name: 'n', labels: { 'a/b': '1' } }, list: [1, 2, 3] };

  test('add, remove, replace, move, copy, test; ~1 escapes a slash; - appends', () => {
    const out = jsonPatch(doc, [
      { op: 'test', path: '/metadata/name', value: 'n' },
      { op: 'remove', path: '/metadata/labels/a~1b' },
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'replace', path: '/list/1', value: 10 },
      { op: 'copy', from: '/metadata/name', path: '/copied' },
      { op: 'move', from: '/copied', path: '/moved' },
    ]);
    expect(out).toEqual({ metadata: { name: 'n', labels: {} }, list: [0, 10, 2, 3, 4], moved: 'n' });
    expect(doc.list).toEqual([1, 2, 3]);
  });

  test('failures throw PatchError and leave nothing half-applied', () => {
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/metadata/name', value: 'x' }])).toThrow(PatchError);
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/metadata/finalizers' }])).toThrow(/nonexistent/);
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/nope/x', value: 1 }])).toThrow(/missing/);
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(PatchError);
  });
});

describe('selectors', () => {
  test('label selector strings', () => {
    const m = parseLabelSelector('app in (a, b),tier!=db,!legacy,env');
    expect(m({ app: 'a', env: 'prod' })).toBe(true);
    expect(m({ app: 'a', env: 'prod', tier: 'db' })).toBe(false);
    expect(m({ app: 'a', env: 'prod', legacy: '' })).toBe(false);
    expect(m({ app: 'c', env: 'prod' })).toBe(false);
    expect(m({ app: 'a' })).toBe(false);
    expect(parseLabelSelector('')({})).toBe(true);
    expect(() => parseLabelSelector('a b c')).toThrow(KubeStatusError);
    expect(() => parseLabelSelector('app===')).toThrow("unable to parse requirement: found '=', expected: identifier");
    expect(() => parseLabelSelector('app=Bad Value')).toThrow("found 'Value', expected: ',' or 'end of string'");
    expect(() => parseLabelSelector('app=-bad')).toThrow(/unable to parse requirement: values\[0\]\[app\]: Invalid value: "-bad"/);
    expect(parseLabelSelector('in in (in, notin)')({ in: 'notin' })).toBe(true);
    expect(parseLabelSelector('replicas>2')({ replicas: '3' })).toBe(true);
    expect(parseLabelSelector('replicas<2')({ replicas: '3' })).toBe(false);
    expect(parseLabelSelector('env in (),tier')({ env: '', tier: 'x' })).toBe(true);
  });

  test('LabelSelector objects; an empty one matches everything, none matches nothing', () => {
    const m = labelSelectorObjectMatcher({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }, { key: 'zone', operator: 'Exists' }] });
    expect(m({ app: 'x', zone: 'a' })).toBe(true);
    expect(m({ app: 'x', zone: 'a', tier: 'db' })).toBe(false);
    expect(labelSelectorObjectMatcher({})({ any: 'thing' })).toBe(true);
    expect(labelSelectorObjectMatcher(undefined)({})).toBe(false);
  });

  test('field selectors per kind, with 400 for unsupported labels', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
    expect(parseFieldSelector('Pod', 'spec.nodeName=n1,status.phase!=Failed')(pod)).toBe(true);
    expect(parseFieldSelector('Pod', 'spec.nodeName==n2')(pod)).toBe(false);
    expect(parseFieldSelector('Node', 'spec.unschedulable=false')({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {} })).toBe(true);
    const refusal = (kind: string, selector: string) => {
      try {
        parseFieldSelector(kind, selector);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    // Kinds without field selectors of their own answer as the generic registry does (real v1.20 text).
    expect(refusal('ConfigMap', 'spec.nodeName=x')).toMatchObject({ code: 400, message: '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"' });
    expect(refusal('Pod', 'spec.color=red')).toMatchObject({ code: 400, message: 'field label not supported: spec.color' });
  });
});
