// The (verb, resource) pairs the ClusterRole of `runbook rbac NAME` grants, one per pair, named
// like the audit log's uses (./audit.ts) so the two can be compared.
import { runMain } from '../in-process.js';
import { useName, type ApiUse } from './audit.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export async function derivedUses(runbook: string): Promise<ApiUse[]> {
  const r = await runMain(['rbac', runbook, '--output', 'json']);
  if (r.code !== 0) throw new Error(`runbook rbac ${runbook}: exit ${r.code}: ${r.stderr}`);
  const rules = (JSON.parse(r.stdout) as { kubernetes: { rules: Rule[] } }).kubernetes.rules;
  const uses = rules.flatMap((rule) => rule.apiGroups.flatMap((apiGroup) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => ({ verb, resource, apiGroup })))));
  return uses.sort((a, b) => useName(a).localeCompare(useName(b)));
}

/** The apiserver's own refusal text for `use`, as a RegExp source (RBAC authorizer wording). */
export function forbiddenPattern(user: string, use: ApiUse): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`forbidden: User "${esc(user)}" cannot ${esc(use.verb)} resource "${esc(use.resource)}" in API group "${esc(use.apiGroup)}"`);
}
