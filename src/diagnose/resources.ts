// The resource types the diagnosis lists, each exactly once per run.
export const RESOURCES = {
  nodes: { apiVersion: 'v1', kind: 'Node' },
  pods: { apiVersion: 'v1', kind: 'Pod' },
  pvs: { apiVersion: 'v1', kind: 'PersistentVolume' },
  pvcs: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  events: { apiVersion: 'v1', kind: 'Event' },
  helmReleases: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
  kustomizations: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
  priorityClasses: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass' },
} as const;

export type ResourceKey = keyof typeof RESOURCES;
