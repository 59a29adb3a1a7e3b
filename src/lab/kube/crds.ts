// The static CustomResourceDefinition list: one CRD per custom resource type of the table,
// shaped like what Flux installs (apiextensions.k8s.io/v1), so `kubectl get crd` and clients
// that look for installed CRDs see them.
import { isCustom, RESOURCES } from './resources.js';
import type { KubeObject } from './types.js';

const CREATED = '2025-01-01T00:00:00Z';

export function staticCrds(): KubeObject[] {
  return RESOURCES.filter(isCustom).map((t, i) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${t.plural}.${t.group}`, uid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, resourceVersion: '1', generation: 1, creationTimestamp: CREATED },
    spec: {
      group: t.group,
      names: { kind: t.kind, listKind: `${t.kind}List`, plural: t.plural, singular: t.singular, ...(t.shortNames ? { shortNames: t.shortNames } : {}), ...(t.categories ? { categories: t.categories } : {}) },
      scope: t.namespaced ? 'Namespaced' : 'Cluster',
      versions: [{
        name: t.version, served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        subresources: t.statusSubresource ? { status: {} } : {},
        additionalPrinterColumns: t.printerColumns ?? [],
      }],
    },
    status: {
      acceptedNames: { kind: t.kind, plural: t.plural },
      storedVersions: [t.version],
      conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: CREATED }],
    },
  }));
}
