// Permissions as the platforms take them: a Kubernetes ClusterRole (rules grouped by API group
// and verbs, as `kubectl create clusterrole` would write them) and `pveum` commands.
import type { KubeObject } from '../adapters/ports.js';
import type { RunbookPermissions } from './derive.js';

export function clusterRole(name: string, perms: RunbookPermissions, labels: Record<string, string> = {}): KubeObject {
  // One rule per (group, verbs): fewer, readable rules; same grant.
  const grouped = new Map<string, { apiGroups: string[]; resources: string[]; verbs: string[] }>();
  for (const r of perms.kube) {
    const key = `${r.apiGroup}\0${r.verbs.join(',')}`;
    const rule = grouped.get(key) ?? { apiGroups: [r.apiGroup], resources: [], verbs: r.verbs };
    rule.resources.push(r.resource);
    grouped.set(key, rule);
  }
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'runbook', ...labels } },
    rules: [...grouped.values()],
  };
}

export function pveumCommands(role: string, perms: RunbookPermissions, tokenId = 'runbook@pve!runbook'): string[] {
  if (!perms.proxmox.length) return [];
  const privs = [...new Set(perms.proxmox.flatMap((p) => p.privileges))].sort();
  const user = tokenId.split('!')[0]!;
  const token = tokenId.split('!')[1] ?? 'runbook';
  return [
    `pveum role add ${role} --privs "${privs.join(',')}"`,
    `pveum user add ${user}`,
    ...perms.proxmox.map((p) => `pveum acl modify ${p.path} --users ${user} --roles ${role}`),
    // Privilege separation on: the token carries only what is granted to it, not all of the user's rights.
    `pveum user token add ${user} ${token} --privsep 1`,
    ...perms.proxmox.map((p) => `pveum acl modify ${p.path} --tokens '${tokenId}' --roles ${role}`),
  ];
}
