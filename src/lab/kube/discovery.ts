// Discovery documents (/api, /api/v1, /apis, /apis/G, /apis/G/V, /version) in the legacy,
// unaggregated form. kubectl 1.32 asks for the aggregated v2 form first
// (Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,...) and falls
// back to these when the answer's Content-Type is plain application/json
// (client-go discovery/aggregated_discovery.go), so serving only these is enough.
import { apiVersionOf, groupVersions, RESOURCES, verbsOf } from './resources.js';
import type { ResourceType } from './resources.js';
import { SCALABLE } from './scale.js';

/** The version the lab claims: a k3s release of kubectl's minor version. */
export const LAB_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4+k3s1',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-04-23T00:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string): object {
  const versions = groupVersions().filter((gv) => gv.group === group).map((gv) => ({ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(): object {
  const groups = [...new Set(groupVersions().map((gv) => gv.group))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(apiGroup) };
}

export function apiGroupDoc(group: string): object | undefined {
  if (!groupVersions().some((gv) => gv.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

function entries(t: ResourceType): object[] {
  const main = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: verbsOf(t),
    ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    ...(t.categories ? { categories: t.categories } : {}),
  };
  const out: object[] = [main];
  if (t.statusSubresource) out.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: t.writable ? ['get', 'patch', 'update'] : ['get'] });
  // kubectl drain finds the eviction API through this entry's group and version (pkg/drain: CheckEvictionSupport).
  if (SCALABLE.has(t.kind)) out.push({ name: `${t.plural}/scale`, singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  if (t.kind === 'Pod') out.push({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  return out;
}

/** APIResourceList of `groupVersion` ('v1' for core), or undefined when we serve no such version. */
export function apiResourceList(groupVersion: string): object | undefined {
  const types = RESOURCES.filter((t) => apiVersionOf(t) === groupVersion);
  if (types.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: types.flatMap(entries) };
}
