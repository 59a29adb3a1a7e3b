// A request that got no answer from Proxmox, as the user reads it: which URL, why (the system's
// code), and for a certificate problem the flags that fix it (not a Node environment variable).
import { ApiError } from '../../errors.js';
import { codeMatching, networkFailure } from '../../transient.js';

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

export function unreachable(failure: unknown, what: string, url: string): ApiError {
  const net = networkFailure(failure);
  const tls = codeMatching(failure, TLS_CODES);
  const pinned = /fingerprint .* does not match/.exec(messages(failure));
  if (tls || pinned) {
    // In the message too: preflight and doctor show messages, not hints.
    return new ApiError('unavailable', `${what}: cannot verify Proxmox at ${url}: ${pinned ? pinned[0] : tls} (trust it with --proxmox-ca FILE or --proxmox-fingerprint)`, {
      cause: failure,
      hint: 'the CA file (PROXMOX_CA) is the one that signed the PVE certificate; the fingerprint (PROXMOX_FINGERPRINT) is what `pvenode cert info` shows',
    });
  }
  const why = net ? net.label : messages(failure);
  return new ApiError('unavailable', `${what}: cannot reach Proxmox at ${url} (${why})`, { cause: failure, hint: 'check PROXMOX_URL (or --proxmox-url) and that pveproxy is up' });
}

function messages(e: unknown): string {
  const out: string[] = [];
  for (let cur = e, depth = 0; cur instanceof Error && depth < 6; cur = (cur as { cause?: unknown }).cause, depth++) out.push(cur.message);
  return out.join(': ');
}
