// What a diagnosis reads: one list per resource type, plus Proxmox audit rights.
import type { Permission } from '../../src/step/define-step.js';
import { kube } from '../k8s/permissions.js';
import { pve } from '../proxmox/permissions.js';

export const diagnosePermissions: readonly Permission[] = [
  kube('nodes', ['list']),
  kube('pods', ['list']),
  kube('persistentvolumes', ['list']),
  kube('persistentvolumeclaims', ['list']),
  kube('events', ['list']),
  kube('priorityclasses', ['list'], 'scheduling.k8s.io'),
  kube('helmreleases', ['list'], 'helm.toolkit.fluxcd.io'),
  kube('kustomizations', ['list'], 'kustomize.toolkit.fluxcd.io'),
  pve(['VM.Audit'], '/vms'),
  pve(['Sys.Audit'], '/nodes'),
];
