// The objects every k3s cluster has before anything is deployed: its four namespaces and the
// two system PriorityClasses (pkg/apis/scheduling/v1/helpers.go: systemPriorityClasses).
import type { ObjectWriter } from './types.js';
import { SYSTEM_PRIORITY_CLASSES } from './validation.js';

const DESCRIPTIONS: Record<string, string> = {
  'system-node-critical': 'Used for system critical pods that must not be moved from their current node.',
  'system-cluster-critical': 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
};

export function seedClusterDefaults(store: ObjectWriter): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!store.get('v1', 'Namespace', name)) store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  for (const [name, value] of Object.entries(SYSTEM_PRIORITY_CLASSES)) {
    if (store.get('scheduling.k8s.io/v1', 'PriorityClass', name)) continue;
    store.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, preemptionPolicy: 'PreemptLowerPriority', description: DESCRIPTIONS[name] });
  }
}
