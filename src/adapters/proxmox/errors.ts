// proxmox-api throws plain Errors whose message carries the HTTP status and the JSON body.
// Turn them into ApiErrors: 400 parameter errors, 401/403, 500 (Proxmox's "generic" error:
// missing VM, lock, digest mismatch), 595/596 (the PVE node is unreachable).
import { ApiError } from '../../errors.js';

export function toProxmoxError(e: unknown, what: string): Error {
  if (e instanceof ApiError) return e;
  const message = e instanceof Error ? e.message : String(e);
  // proxmox-api: "... return Error 500 REASON: BODY" or "... connection failed with 595 REASON return: BODY";
  // a reason may itself hold ': ' (hostname lookups), the body is JSON.
  const m = /connection failed with (\d{3}) ?(.*?) return: (.*)$/s.exec(message) ?? /return Error (\d{3}) ?(.*?)(?:: (?=[{["n])|$)(.*)$/s.exec(message);
  if (!m) {
    if (/FaILED to call|fetch failed|ECONNREFUSED|ETIMEDOUT|certificate|fingerprint/i.test(message)) {
      return new ApiError('unavailable', `${what}: cannot reach Proxmox: ${message.replace(/^FaILED to call \S+ \S+ ?/, '')}`, { cause: e, hint: 'check PROXMOX_URL and the CA/fingerprint' });
    }
    return e instanceof Error ? e : new Error(message);
  }
  const status = Number(m[1]);
  const statusText = (m[2] ?? '').trim();
  let detail = statusText;
  try {
    const body = JSON.parse(m[3] ?? '') as { errors?: Record<string, string> | string };
    if (body.errors && typeof body.errors === 'object') detail = `${statusText}: ${Object.entries(body.errors).map(([k, v]) => `${k}: ${String(v).trim()}`).join('; ')}`;
  } catch {
    // not JSON: keep the status text
  }
  // pveproxy forwards a call to the VM's node; when that fails AnyEvent::HTTP answers 595
  // (connecting: "No route to host", "Connection refused") or 596 (TLS, sending, headers).
  if (status === 595 || status === 596) return new ApiError('node-unreachable', `${what}: Proxmox node unreachable (${status} ${statusText})`, { status, cause: e, hint: 'the PVE node is down or cut off from the cluster' });
  if (status === 401) return new ApiError('unauthorized', `${what}: ${detail}`, { status, cause: e, hint: 'check PROXMOX_TOKEN_ID / PROXMOX_TOKEN_SECRET' });
  if (status === 403) return new ApiError('forbidden', `${what}: ${detail}`, { status, cause: e, hint: '`runbook rbac NAME` lists the Proxmox privileges a runbook needs' });
  if (status === 400) return new ApiError('invalid', `${what}: ${detail}`, { status, cause: e });
  if (/checksum mismatch|digest/i.test(detail)) return new ApiError('conflict', `${what}: ${detail}`, { status, cause: e, hint: 'the VM config changed meanwhile: re-read it and try again' });
  // PVE dies with a 500 for a VM that does not exist: a final answer, so no status that the
  // retry (src/transient.ts: 5xx are transient) would take for a server hiccup.
  if (/does not exist/i.test(detail)) return new ApiError('not-found', `${what}: ${detail}`, { cause: e });
  return new ApiError('server', `${what}: ${detail}`, { status, cause: e });
}
