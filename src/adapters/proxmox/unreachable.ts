// A request that got no answer from Proxmox, as the user reads it: which URL, why (the system's
// code), and for a certificate problem the flags that fix it (not a Node environment variable).
import { ApiError } from '../../errors.js';
import { codeMatching, networkFailure } from '../transient.js';

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

export function unreachable(failure: unknown, what: string, url: string): ApiError {
  const net = networkFailure(failure);
  const tls = codeMatching(failure, TLS_CODES);
  const pinned = /fingerprint .* does not match/.exec(messages(failure));
  if (tls || pinned) {
    return new ApiError('unavailable', `${what}: cannot verify Proxmox at ${url}: ${pinned ? pinned[0] : tls}`, {
      cause: failure,
      hint: 'pass the CA that signed its certificate (--proxmox-ca FILE, PROXMOX_CA) or pin it (--proxmox-fingerprint, as `pvenode cert info` shows it)',
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
