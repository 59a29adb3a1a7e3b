// The shape of one simulated API method: like a PVE register_method entry, a path template,
// an HTTP method, the parameter schema (path parameters included, additionalProperties 0)
// and the code.
import type { AuthInfo } from './auth.js';
import type { Schema } from './schema.js';
import type { ProxmoxState } from './state.js';

export interface RouteContext {
  state: ProxmoxState;
  /** path + query + body parameters, validated against the route's schema */
  params: Record<string, string>;
  auth: AuthInfo | undefined;
}

/** A handler returns its `data`, or `{ data, total }` for methods that set the total attribute. */
export interface WithTotal {
  withTotal: true;
  data: unknown;
  total: number;
}

/** PVE's `permissions => { check => ['perm', PATH, PRIVS, any => 1] }`; no check is `user => 'all'`
 * (the handler filters what it returns, see acl.ts `allowed`). */
interface PermCheck {
  /** ACL path with `{param}` placeholders, e.g. `/vms/{vmid}` */
  path: string;
  privs: string[];
  any?: boolean;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/nodes/{node}/qemu/{vmid}/config` (relative to /api2/json) */
  path: string;
  schema: Schema;
  permission?: PermCheck;
  handler: (ctx: RouteContext) => unknown;
}
