// The resource table of the lab API server: which kinds exist, their REST names and verbs.
// Names, short names and categories follow `kubectl api-resources` of a v1.32 cluster with Flux.
export interface ResourceType {
  group: string;             // '' for core
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** true: writes to the main resource keep the stored status (only /status changes it). */
  statusSubresource: boolean;
  /** Whether the server understands strategic merge patches (built-in types only, never CRDs). */
  strategic: boolean;
  /** false for the static CRD list: reads only. */
  writable: boolean;
  /** metadata.generation is kept (set to 1, bumped on spec changes): apps, batch, policy, CRDs; not core v1.32 types. */
  tracksGeneration: boolean;
  /** Printer columns of a CRD (additionalPrinterColumns), used for Table output. */
  printerColumns?: { name: string; type: string; jsonPath: string; priority?: number }[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(group: string, version: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
  const tracksGeneration = ['apps', 'batch', 'policy', 'apiextensions.k8s.io'].includes(group) || group.endsWith('.fluxcd.io');
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, statusSubresource: false, strategic: true, writable: true, tracksGeneration, ...extra };
}

const flux = (group: string, version: string, kind: string, plural: string, shortNames: string[], printerColumns: ResourceType['printerColumns']): ResourceType =>
  r(group, version, kind, plural, true, { shortNames, statusSubresource: true, strategic: false, printerColumns });

const readyColumns = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
];

export const RESOURCES: readonly ResourceType[] = [
  r('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], statusSubresource: true }),
  r('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], statusSubresource: true }),
  r('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], categories: ['all'], statusSubresource: true }),
  r('', 'v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], statusSubresource: true }),
  r('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], statusSubresource: true }),
  r('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('', 'v1', 'Secret', 'secrets', true),
  r('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  r('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'], statusSubresource: true }),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  r('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], statusSubresource: true }),
  r('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
  r('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], statusSubresource: true }),
  r('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], statusSubresource: true }),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], statusSubresource: true }),
  r('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], statusSubresource: true }),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  r('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  r('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  r('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'], statusSubresource: true }),
  r('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], statusSubresource: true }),
  r('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'], statusSubresource: true, strategic: false, writable: false }),
  flux('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease', 'helmreleases', ['hr'], readyColumns),
  flux('kustomize.toolkit.fluxcd.io', 'v1', 'Kustomization', 'kustomizations', ['ks'], readyColumns),
  flux('source.toolkit.fluxcd.io', 'v1', 'GitRepository', 'gitrepositories', ['gitrepo'], [
    { name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...readyColumns]),
  flux('source.toolkit.fluxcd.io', 'v1', 'HelmRepository', 'helmrepositories', ['helmrepo'], [
    { name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...readyColumns]),
];

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function verbsOf(t: ResourceType): string[] {
  return t.writable ? ALL_VERBS : ['get', 'list', 'watch'];
}

export function isCustom(t: ResourceType): boolean {
  return t.group.endsWith('.fluxcd.io');
}

export function byKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

export function byPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of RESOURCES) if (t.group) seen.set(`${t.group}/${t.version}`, { group: t.group, version: t.version });
  return [...seen.values()];
}

/** For status messages: NotFound etc. name the plural resource and its group. */
export function groupResource(t: ResourceType): { group: string; resource: string } {
  return { group: t.group, resource: t.plural };
}

export const NAMESPACE_TYPE = RESOURCES[0]!;
