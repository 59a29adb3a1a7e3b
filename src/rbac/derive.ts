// Least privilege, derived: the permissions a runbook needs are the union of what its step
// types declare (for the params they get). `runbook rbac`, `runbook schedule` and the
// real-apiserver RBAC proof all use this one function.
import type { Permission, StepDefinition, StepRegistry } from '../step/define-step.js';
import { permissionsOf } from '../step/define-step.js';
import { RunbookError } from '../errors.js';
import { interpolate } from '../runbook/expressions.js';
import type { Runbook, StepCall, StepSpec } from '../runbook/types.js';

type KubeRule = { apiGroup: string; resource: string; verbs: string[] };
type ProxmoxGrant = { path: string; privileges: string[] };

export interface RunbookPermissions {
  kube: KubeRule[];
  proxmox: ProxmoxGrant[];
}

// Values nobody passed yet (a required --node, an item, another step's output): permissions
// never depend on them, only on literal fields such as a Flux `kind`.
const PLACEHOLDER = 'placeholder';

function paramsFor(runbook: Runbook, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of runbook.params) out[p.name] = given[p.name] ?? p.default ?? (p.type === 'list' ? [PLACEHOLDER] : p.type === 'int' ? 1 : p.type === 'bool' ? false : p.type === 'duration' ? 60_000 : (p.values?.[0] ?? PLACEHOLDER));
  return out;
}

function callPermissions(call: StepCall, def: StepDefinition, scope: object, where: string): readonly Permission[] {
  if (typeof def.permissions !== 'function') return def.permissions;
  const parsed = def.params.safeParse(interpolate(call.with, scope));
  if (!parsed.success) throw new RunbookError('E_RBAC', `${where}: cannot tell which permissions ${call.uses} needs from its params`, { hint: 'pass the runbook params to `runbook rbac` as flags' });
  return permissionsOf(def, parsed.data);
}

export function derivePermissions(runbook: Runbook, registry: StepRegistry, given: Record<string, unknown> = {}): RunbookPermissions {
  const scope = { params: paramsFor(runbook, given), steps: new Proxy({}, { get: () => ({ outputs: new Proxy({}, { get: () => PLACEHOLDER }) }) }), item: PLACEHOLDER };
  const all: Permission[] = [];
  const visit = (call: StepCall, where: string) => {
    const def = registry.get(call.uses);
    if (def) all.push(...callPermissions(call, def, scope, where));
  };
  for (const p of runbook.preflight) visit(p, `preflight ${p.id}`);
  const visitStep = (s: StepSpec) => {
    if (s.steps) s.steps.forEach(visitStep);
    else visit(s, `step ${s.id}`);
    if (s.gate) visit(s.gate, `gate of ${s.id}`);
  };
  runbook.steps.forEach(visitStep);
  // Every change is also recorded as an Event (src/adapters/kube/event-recorder.ts).
  const changes = all.some((p) => p.kind === 'kube' && p.verbs.some((v) => ['create', 'patch', 'update', 'delete'].includes(v)));
  if (changes) all.push({ kind: 'kube', apiGroup: '', resource: 'events', verbs: ['create'] });
  // The per-cluster run lock (src/adapters/kube/run-lock.ts) is a Lease.
  if (all.some((p) => p.kind === 'kube')) all.push({ kind: 'kube', apiGroup: 'coordination.k8s.io', resource: 'leases', verbs: ['create', 'get', 'patch'] });
  return merge(all);
}

export function merge(perms: readonly Permission[]): RunbookPermissions {
  const kube = new Map<string, Set<string>>();
  const pve = new Map<string, Set<string>>();
  for (const p of perms) {
    if (p.kind === 'kube') {
      const key = `${p.apiGroup}\0${p.resource}`;
      const verbs = kube.get(key) ?? new Set();
      p.verbs.forEach((v) => verbs.add(v));
      kube.set(key, verbs);
    } else {
      const privs = pve.get(p.path) ?? new Set();
      p.privileges.forEach((v) => privs.add(v));
      pve.set(p.path, privs);
    }
  }
  return {
    kube: [...kube.entries()]
      .map(([k, verbs]) => {
        const [apiGroup, resource] = k.split('\0') as [string, string];
        return { apiGroup, resource, verbs: [...verbs].sort() };
      })
      .sort((a, b) => a.apiGroup.localeCompare(b.apiGroup) || a.resource.localeCompare(b.resource)),
    proxmox: [...pve.entries()].map(([path, privs]) => ({ path, privileges: [...privs].sort() })).sort((a, b) => a.path.localeCompare(b.path)),
  };
}
