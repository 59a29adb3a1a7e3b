// Authentication as pve-http-server + pve-manager do it:
// - PVE/APIServer/AnyEvent.pm: the `PVEAuthCookie` cookie wins, then the same name in the
//   Authorization header, then `PVEAPIToken` in Authorization (Formatter.pm
//   extract_auth_value: key followed by '=' or ' ', value up to ';').
// - pve-access-control PVE/AccessControl.pm verify_token: value `^(.*)=(.*)$`, i.e. only
//   `USER@REALM!TOKENID=SECRET`; a ':' separator is "no tokenid specified", so refused.
// - pve-manager PVE/HTTPServer.pm auth_handler: "No ticket" without credentials,
//   "Authentication failed!" for a bad ticket/token; non-GET calls with a ticket need the
//   CSRFPreventionToken header (pve-common PVE/Ticket.pm: "Permission denied - invalid csrf
//   token"); API tokens are exempt from CSRF.
// Tickets are `PVE:{userid}:{HEXTIME}::{signature}` (PVE/Ticket.pm assemble_rsa_ticket); ours
// are signed with an HMAC instead of RSA. Lifetime 2 hours, as PVE's $ticket_lifetime.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthError } from './errors.js';
import type { ProxmoxState } from './state.js';

const TICKET_LIFETIME = 2 * 3600;
const TOKEN_ID = /^([^\s:@!]+@[A-Za-z][A-Za-z0-9._-]+)!([A-Za-z][A-Za-z0-9._-]+)$/;

function sign(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64').replace(/=+$/, '');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const hexTime = (t: number) => Math.floor(t).toString(16).toUpperCase().padStart(8, '0');
const now = () => Date.now() / 1000;

export function createTicket(state: ProxmoxState, userid: string): string {
  const plain = `PVE:${encodeURIComponent(userid).replace(/%40/g, '@')}:${hexTime(now())}`;
  return `${plain}::${sign(state.secret, plain)}`;
}

export function createCsrfToken(state: ProxmoxState, userid: string): string {
  const ts = hexTime(now());
  return `${ts}:${sign(state.secret, `${ts}:${userid}`)}`;
}

function verifyTicket(state: ProxmoxState, ticket: string): string | undefined {
  const m = /^(PVE:(\S+):([0-9A-F]{8}))::([^:\s]+)$/.exec(ticket);
  if (!m || !same(sign(state.secret, m[1]!), m[4]!)) return undefined;
  const age = now() - parseInt(m[3]!, 16);
  if (age < -300 || age > TICKET_LIFETIME) return undefined;
  const userid = decodeURIComponent(m[2]!);
  return state.users().some((u) => u.userid === userid) ? userid : undefined;
}

function verifyCsrf(state: ProxmoxState, userid: string, token: string | undefined): boolean {
  const m = /^([A-Z0-9]{8}):(\S+)$/.exec(token ?? '');
  if (!m) return false;
  const age = now() - parseInt(m[1]!, 16);
  return same(sign(state.secret, `${m[1]}:${userid}`), m[2]!) && age > -300 && age < TICKET_LIFETIME;
}

/** PVE::APIServer::Formatter::extract_auth_value */
function extractAuthValue(header: string | undefined, key: string): string | undefined {
  if (!header) return undefined;
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?:^|\\s)${escaped}(?:=| )([^;]*)`).exec(header);
  if (!m || !m[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

function verifyToken(state: ProxmoxState, value: string): string | undefined {
  const m = /^(.*)=(.*)$/.exec(value);
  if (!m) return undefined;
  const [, tokenid, secret] = m;
  if (!TOKEN_ID.test(tokenid!)) return undefined;
  const known = state.tokens().find((t) => t.id === tokenid);
  return known && same(known.secret, secret!) ? tokenid : undefined;
}

export interface AuthInfo {
  /** user (`root@pam`) or token (`root@pam!runbook`) */
  userid: string;
  apiToken: boolean;
}

/** Calls allowed without credentials (HTTPServer.pm auth_handler). */
export function isPublic(method: string, relPath: string): boolean {
  return (relPath === '/access/ticket' && (method === 'GET' || method === 'POST')) || (relPath === '/access/domains' && method === 'GET');
}

/** Throws AuthError (-> 401 with the message as reason phrase). */
export function authenticate(state: ProxmoxState, method: string, headers: IncomingHttpHeaders): AuthInfo {
  const cookie = headers.cookie;
  const authz = headers.authorization;
  const ticket = extractAuthValue(cookie, 'PVEAuthCookie') ?? extractAuthValue(authz, 'PVEAuthCookie');
  if (!ticket) {
    const token = extractAuthValue(authz, 'PVEAPIToken');
    if (!token) throw new AuthError('No ticket');
    const tokenid = verifyToken(state, token);
    if (!tokenid) throw new AuthError('Authentication failed!');
    return { userid: tokenid, apiToken: true };
  }
  const userid = verifyTicket(state, ticket);
  if (!userid) throw new AuthError('Authentication failed!');
  if (method !== 'GET') {
    const csrf = headers.csrfpreventiontoken;
    if (!verifyCsrf(state, userid, Array.isArray(csrf) ? csrf[0] : csrf)) throw new AuthError('Permission denied - invalid csrf token');
  }
  return { userid, apiToken: false };
}

/** POST /access/ticket password check; the realm may come separately (AccessControl.pm). */
export function checkPassword(state: ProxmoxState, username: string, password: string, realm?: string): string | undefined {
  const userid = realm && !username.includes('@') ? `${username}@${realm}` : username;
  const user = state.users().find((u) => u.userid === userid);
  return user && same(user.password, password) ? userid : undefined;
}
