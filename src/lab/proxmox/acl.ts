// Who may do what, as pve-access-control computes it (PVE/AccessControl.pm roles(),
// PVE/RPCEnvironment.pm permissions()/check()/check_any()):
// - root@pam may do anything; a token without privilege separation has its user's rights, a
//   privsep token the intersection of its own ACL and its user's.
// - An ACL path is walked from '/' down; at each level the token's entries, else the user's,
//   apply when they propagate or the level is the path itself, and replace what came before.
// - A refused check is HTTP 403 "Permission check failed (PATH, PRIV)" (pve-common
//   PVE/Exception.pm raise_perm_exc); check_any joins the privileges with '|'.
// A role is given by its privileges here (PVE names roles; the sets are what counts).
import { PveError } from './errors.js';

/** PVE/AccessControl.pm $privgroups (the privileges `verify_privname` accepts). */
const ALL_PRIVS = [
  'Datastore.Allocate', 'Datastore.AllocateSpace', 'Datastore.AllocateTemplate', 'Datastore.Audit',
  'Group.Allocate', 'Mapping.Audit', 'Mapping.Modify', 'Mapping.Use', 'Pool.Allocate', 'Pool.Audit',
  'Realm.Allocate', 'Realm.AllocateUser', 'SDN.Allocate', 'SDN.Audit', 'SDN.Use',
  'Sys.AccessNetwork', 'Sys.Audit', 'Sys.Console', 'Sys.Incoming', 'Sys.Modify', 'Sys.PowerMgmt', 'Sys.Syslog', 'User.Modify',
  'VM.Allocate', 'VM.Audit', 'VM.Backup', 'VM.Clone', 'VM.Config.CDROM', 'VM.Config.CPU', 'VM.Config.Cloudinit',
  'VM.Config.Disk', 'VM.Config.HWType', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.Options', 'VM.Console',
  'VM.GuestAgent.Audit', 'VM.GuestAgent.FileRead', 'VM.GuestAgent.FileSystemMgmt', 'VM.GuestAgent.FileWrite',
  'VM.GuestAgent.Unrestricted', 'VM.Migrate', 'VM.PowerMgmt', 'VM.Replicate', 'VM.Snapshot', 'VM.Snapshot.Rollback',
] as const;

export interface AclEntry {
  path: string;
  /** exactly one of user / token */
  user?: string;
  token?: string;
  privs: string[];
  /** default true, as `pveum acl modify --propagate` */
  propagate?: boolean;
}

export interface AccessModel {
  acl: readonly AclEntry[];
  /** token id -> privilege separation */
  tokenPrivsep(tokenid: string): boolean | undefined;
}

export function checkAclEntry(e: AclEntry): void {
  if (!e.path.startsWith('/')) throw new Error(`ACL path '${e.path}' must start with /`);
  if (Boolean(e.user) === Boolean(e.token)) throw new Error(`ACL ${e.path}: give exactly one of user or token`);
  for (const p of e.privs) if (!(ALL_PRIVS as readonly string[]).includes(p)) throw new Error(`invalid privilege '${p}'`);
}

/** Privilege -> propagation flag (1 or 0), as RPCEnvironment's compiled privs: a key is a privilege held. */
type Privs = Map<string, 0 | 1>;

function walk(model: AccessModel, key: 'user' | 'token', who: string, path: string): Privs | undefined {
  const parts = path === '/' ? [''] : path.split('/');
  let current: Privs | undefined;
  let prefix = '';
  parts.forEach((p, i) => {
    prefix = p === '' ? prefix : `${prefix}/${p}`;
    const level = prefix || '/';
    const final = i === parts.length - 1;
    const here = model.acl.filter((e) => e[key] === who && e.path.replace(/\/+$/, '') === (level === '/' ? '' : level) && (final || e.propagate !== false));
    if (!here.length) return;
    // Propagated iff any entry granting it propagates (compile_acl_path: `$privs->{$p} ||= ...`).
    current = new Map();
    for (const e of here) for (const priv of e.privs) current.set(priv, e.propagate === false ? (current.get(priv) ?? 0) : 1);
  });
  return current;
}

function userPrivs(model: AccessModel, user: string, path: string): Privs {
  if (user === 'root@pam') return new Map(ALL_PRIVS.map((p) => [p, 1]));
  return walk(model, 'user', user, path) ?? new Map();
}

/** RPCEnvironment::permissions for a user or a token id. */
function privilegesAt(model: AccessModel, userid: string, path: string): Privs {
  const bang = userid.indexOf('!');
  if (bang < 0) return userPrivs(model, userid, path);
  const privsep = model.tokenPrivsep(userid);
  if (privsep === undefined) return new Map();
  const ofUser = userPrivs(model, userid.slice(0, bang), path);
  if (!privsep) return ofUser;
  // A level that names the token decides for it; the user's own ACL is the ceiling (both flags must propagate).
  const ofToken = walk(model, 'token', userid, path) ?? new Map<string, 0 | 1>();
  return new Map([...ofToken].filter(([p]) => ofUser.has(p)).map(([p, flag]) => [p, flag && ofUser.get(p)! ? 1 : 0]));
}

/**
 * GET /access/permissions (PVE/API2/AccessControl.pm `permissions`; RPCEnvironment.pm
 * get_effective_permissions): privilege -> propagate flag, for one path or, without one, for
 * the top-level paths and every ACL path, leaving out paths with nothing (pools not simulated).
 */
export function effectivePermissions(model: AccessModel, userid: string, path?: string): Record<string, Record<string, 0 | 1>> {
  const paths = path !== undefined ? [path] : [...new Set(['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms', ...model.acl.map((e) => e.path)])];
  const out: Record<string, Record<string, 0 | 1>> = {};
  for (const p of paths) {
    const privs = privilegesAt(model, userid, p);
    // With a path, even an empty answer is given (`if ($perms)` holds for an empty hash).
    if (privs.size || path !== undefined) out[p] = Object.fromEntries(privs);
  }
  return out;
}

/** RPCEnvironment::check / check_any with $noerr. */
export function allowed(model: AccessModel, userid: string, path: string, privs: readonly string[], any = false): boolean {
  const have = privilegesAt(model, userid, path);
  return any ? privs.some((p) => have.has(p)) : privs.every((p) => have.has(p));
}

/** RPCEnvironment::check / check_any: dies with PVE's 403. */
export function checkPerm(model: AccessModel, userid: string, path: string, privs: readonly string[], any = false): void {
  if (allowed(model, userid, path, privs, any)) return;
  const missing = any ? privs.join('|') : privs.find((p) => !privilegesAt(model, userid, path).has(p))!;
  throw new PveError(403, `Permission check failed (${path}, ${missing})\n`);
}

/** RPCEnvironment::compute_api_permission: the `cap` of a login ticket, per top-level path the
 * privileges held there or on any ACL path below it (pools are not simulated). */
export function computeApiPermission(model: AccessModel, userid: string): Record<string, Record<string, 1>> {
  const families: Record<string, RegExp> = {
    vms: /^(VM\.|Permissions\.Modify)/, access: /^((User|Group)\.|Permissions\.Modify)/, storage: /^(Datastore\.|Permissions\.Modify)/,
    nodes: /^(Sys\.|Permissions\.Modify)/, sdn: /^(SDN\.|Permissions\.Modify)/, dc: /^(Sys\.Audit|Sys\.Modify|SDN\.)/, mapping: /^(Mapping\.|Permissions.Modify)/,
  };
  const cap: Record<string, Record<string, 1>> = Object.fromEntries(Object.keys(families).map((k) => [k, {}]));
  const paths = new Set(['/', '/nodes', '/access/groups', '/vms', '/storage', '/sdn', '/mapping', ...model.acl.map((e) => e.path)]);
  for (const path of paths) {
    const top = /^\/(\w+)/.exec(path)?.[1] ?? 'dc';
    const re = families[top];
    if (!re) continue;
    for (const priv of privilegesAt(model, userid, path).keys()) if (re.test(priv)) cap[top]![priv] = 1;
  }
  return cap;
}
