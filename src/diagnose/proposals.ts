// From findings to what to run: one run per runbook, params merged (fix-ballooning gets every
// ballooning node in one rolling run), in the order of the first finding that asks for it.
// Findings come root causes first, so infrastructure is fixed before what depends on it.
import type { Finding } from './types.js';

export interface Proposal {
  runbook: string;
  params: Record<string, unknown>;
  /** Ids of the findings this run addresses. */
  fixes: string[];
}

export function proposeRemediations(findings: readonly Finding[]): Proposal[] {
  const out: Proposal[] = [];
  for (const f of findings) {
    if (!f.fix) continue;
    const same = out.find((p) => p.runbook === f.fix!.runbook && mergeable(p.params, f.fix!.params));
    if (!same) {
      out.push({ runbook: f.fix.runbook, params: structuredClone(f.fix.params), fixes: [f.id] });
      continue;
    }
    same.fixes.push(f.id);
    for (const [k, v] of Object.entries(f.fix.params)) {
      const have = same.params[k];
      if (Array.isArray(have) && Array.isArray(v)) same.params[k] = [...new Set([...have, ...v])];
    }
  }
  return out;
}

/** Two fixes of one runbook merge when their scalar params agree (lists are unioned). */
function mergeable(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Object.keys({ ...a, ...b }).every((k) => Array.isArray(a[k]) || Array.isArray(b[k]) || JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** The flags that run a proposal: `--node k3s-replica-2`, `--nodes a,b`. */
export function proposalArgs(p: Proposal): string[] {
  return Object.entries(p.params).flatMap(([k, v]) => (typeof v === 'boolean' ? (v ? [`--${k}`] : []) : [`--${k}`, Array.isArray(v) ? v.join(',') : String(v)]));
}
