// Reads the real apiserver's audit log (audit.k8s.io/v1 JSON lines, one event per request stage)
// to learn which (verb, resource) pairs a user's requests really used. Discovery (/api, /apis)
// has no objectRef and is not a resource use. Subresources read as `pods/eviction`.
import { existsSync, readFileSync } from 'node:fs';

export interface ApiUse {
  verb: string;
  /** `pods`, or `pods/eviction` for a subresource. */
  resource: string;
  /** '' for the core group. */
  apiGroup: string;
}

interface AuditEvent {
  stage?: string;
  auditID?: string;
  verb?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string; apiGroup?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

/** `delete persistentvolumes`, `patch helmreleases.helm.toolkit.fluxcd.io`. */
export const useName = (u: ApiUse): string => `${u.verb} ${u.resource}${u.apiGroup ? `.${u.apiGroup}` : ''}`;

export interface UserUses {
  /** Pairs of requests that were authorized (any status but 403), sorted by name. */
  allowed: ApiUse[];
  /** Pairs of requests the authorizer refused (403). */
  forbidden: ApiUse[];
}

function distinct(uses: ApiUse[]): ApiUse[] {
  const byName = new Map(uses.map((u) => [useName(u), u]));
  return [...byName.keys()].sort().map((k) => byName.get(k)!);
}

export function auditedUses(logPath: string, username: string): UserUses {
  const allowed: ApiUse[] = [];
  const forbidden: ApiUse[] = [];
  const text = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as AuditEvent;
    if (e.user?.username !== username || !e.objectRef?.resource || !e.verb) continue;
    const use = { verb: e.verb, resource: e.objectRef.subresource ? `${e.objectRef.resource}/${e.objectRef.subresource}` : e.objectRef.resource, apiGroup: e.objectRef.apiGroup ?? '' };
    (e.responseStatus?.code === 403 ? forbidden : allowed).push(use);
  }
  return { allowed: distinct(allowed), forbidden: distinct(forbidden) };
}

export interface AuditedRequest {
  username: string;
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** When the apiserver received it (ms since epoch; same clock as the test). */
  receivedMs: number;
}

/** The requests of one user, once each (a watch has two lines, one per stage). */
export function auditedRequests(logPath: string, username: string): AuditedRequest[] {
  const text = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
  const seen = new Set<string>();
  const out: AuditedRequest[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(`"username":"${username}"`)) continue;
    const e = JSON.parse(line) as AuditEvent & { requestReceivedTimestamp?: string };
    const o = e.objectRef;
    if (e.user?.username !== username || !o?.resource || !e.verb || seen.has(e.auditID ?? line)) continue;
    seen.add(e.auditID ?? line);
    out.push({ username, verb: e.verb, resource: o.resource, ...(o.subresource ? { subresource: o.subresource } : {}), ...(o.namespace ? { namespace: o.namespace } : {}), ...(o.name ? { name: o.name } : {}), receivedMs: Date.parse(e.requestReceivedTimestamp ?? '') });
  }
  return out;
}

/** Whether `username` has sent `verb` on that object after `afterMs` (a watch's `metadata.name=` selector names it). */
export function hasRequested(logPath: string, username: string, verb: string, ref: { resource: string; namespace?: string; name: string }, afterMs = 0): boolean {
  return auditedRequests(logPath, username).some((r) => r.verb === verb && r.resource === ref.resource && !r.subresource && r.name === ref.name && (ref.namespace === undefined || r.namespace === ref.namespace) && r.receivedMs > afterMs);
}
