// The "every rule" half of the RBAC proof: a runbook's derived ClusterRole must be exactly what
// its successful run used (audit log) plus rules listed as rollback-only, and each used pair,
// taken away alone, must make the run fail with the apiserver's own "forbidden".
import { eventually } from '../eventually.js';
import { auditedUses, useName, type ApiUse } from './audit.js';
import { derivedUses } from './derived-rules.js';


/** `patch leases.coordination.k8s.io` -> { verb: 'patch', resource: 'leases', apiGroup: 'coordination.k8s.io' } */
export function parseUse(name: string): ApiUse {
  const [verb, qualified] = name.split(' ') as [string, string];
  const dot = qualified.indexOf('.');
  return dot < 0 ? { verb, resource: qualified, apiGroup: '' } : { verb, resource: qualified.slice(0, dot), apiGroup: qualified.slice(dot + 1) };
}

/**
 * The pairs `user` used, once the audit log has them all: a watch's line is only written when
 * the server has seen the client go, which may be just after the CLI exited. Waits for the
 * expected names (bounded), then returns whatever is there, for the caller to compare.
 */
export async function usesOnceLogged(auditLogPath: string, user: string, expected: readonly string[]): Promise<{ allowed: string[]; forbidden: string[] }> {
  const read = () => {
    const u = auditedUses(auditLogPath, user);
    return { allowed: u.allowed.map(useName), forbidden: u.forbidden.map(useName) };
  };
  // The audit log is written in batches: wait (bounded) for the expected uses, else report what is there.
  return eventually(read, { what: `${expected.join(', ')} in the audit log`, until: (now) => expected.every((e) => now.allowed.includes(e)), timeoutMs: 5_000, intervalMs: 100 }).catch(read);
}

/** The derived role's pairs, and the same list rebuilt from "used" + "rollback-only". */
export async function derivedVersusAccounted(runbook: string, used: readonly string[], rollbackOnly: Record<string, string>): Promise<{ derived: string[]; accounted: string[] }> {
  const derived = (await derivedUses(runbook)).map(useName).sort();
  const accounted = [...used, ...Object.keys(rollbackOnly)].sort();
  return { derived, accounted };
}
