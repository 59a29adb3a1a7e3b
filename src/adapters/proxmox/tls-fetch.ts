// A fetch for proxmox-api (which has no TLS options of its own) that verifies the server:
// against a CA file, or a pinned certificate fingerprint, or the system CAs. Verification is
// only off when the user passed --insecure.
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch } from 'undici';
import type { ProxmoxTarget } from './config.js';

export type FetchLike = (url: string | URL, init?: Record<string, unknown>) => Promise<Response>;

function pinnedConnector(fingerprint: string): buildConnector.connector {
  // The pin replaces chain verification (Proxmox's default certificate is self-signed), so the
  // chain check is off and the certificate's own SHA-256 must match exactly.
  const base = buildConnector({ rejectUnauthorized: false });
  return (options, callback) =>
    base(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('no socket'), null);
      const seen = (socket as TLSSocket).getPeerCertificate().fingerprint256;
      if (seen?.toUpperCase() !== fingerprint) {
        socket.destroy();
        return callback(new Error(`Proxmox certificate fingerprint ${seen} does not match the pinned ${fingerprint}`), null);
      }
      callback(null, socket);
    });
}

/**
 * Connections kept alive to one Proxmox host at most: more requests wait for a free one (undici
 * opens a new connection whenever all are busy, even for a moment: doctor opened one per VM).
 */
export const PVE_CONNECTIONS = 8;

export function proxmoxDispatcher(target: ProxmoxTarget): Agent {
  const connections = PVE_CONNECTIONS;
  if (target.fingerprint) return new Agent({ connections, connect: pinnedConnector(target.fingerprint) });
  if (target.caFile) return new Agent({ connections, connect: { ca: readFileSync(target.caFile, 'utf8') } });
  if (target.insecure) return new Agent({ connections, connect: { rejectUnauthorized: false } });
  return new Agent({ connections });
}

export function proxmoxFetch(dispatcher: Agent): FetchLike {
  return ((url: string | URL, init: Record<string, unknown> = {}) => fetch(url, { ...init, dispatcher } as never)) as unknown as FetchLike;
}
