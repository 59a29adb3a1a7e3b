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

/** `/vms` -> `Vms`, `/` -> `Root`: a role name suffix (PVE role ids: [A-Za-z0-9._-]). */
function pathSuffix(path: string): string {
  const words = path.split('/').filter(Boolean).map((w) => w.replace(/[^A-Za-z0-9]/g, ''));
  return words.length ? words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('') : 'Root';
}

/** One role per ACL path, holding only that path's privileges (one path: the role keeps its name),
 * so no path gets a privilege only another needs: exactly what the Proxmox privilege proof grants. */
export function pveumCommands(role: string, perms: RunbookPermissions, tokenId = 'runbook@pve!runbook'): string[] {
  if (!perms.proxmox.length) return [];
  const user = tokenId.split('!')[0]!;
  const token = tokenId.split('!')[1] ?? 'runbook';
  const roles = perms.proxmox.map((p) => ({ ...p, role: perms.proxmox.length === 1 ? role : `${role}${pathSuffix(p.path)}` }));
  return [
    ...roles.map((r) => `pveum role add ${r.role} --privs "${r.privileges.join(',')}"`),
    `pveum user add ${user}`,
    ...roles.map((r) => `pveum acl modify ${r.path} --users ${user} --roles ${r.role}`),
    // Privilege separation on: the token carries only what is granted to it, not all of the user's rights.
    `pveum user token add ${user} ${token} --privsep 1`,
    ...roles.map((r) => `pveum acl modify ${r.path} --tokens '${tokenId}' --roles ${r.role}`),
  ];
}
