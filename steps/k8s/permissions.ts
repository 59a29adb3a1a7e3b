// Kubernetes RBAC rules as steps declare them: `runbook describe/rbac/schedule` derive
// least-privilege ClusterRoles from these, and the real-apiserver tests prove them sufficient.
import type { Permission } from '../../src/step/define-step.js';

export function kube(resource: string, verbs: readonly string[], apiGroup = ''): Permission {
  return { kind: 'kube', apiGroup, resource, verbs };
}
