// Permission checks as the simulated API methods make them: the route's declared check before
// anything else (pve-manager PVE/HTTPServer.pm rest_handler calls check_api2_permissions before
// proxying to the node and before the parameters are verified), and the handlers' own checks.
import { allowed, checkPerm } from './acl.js';
import type { Route, RouteContext } from './route-types.js';

/** Unauthenticated calls (the public ones) act for nobody in particular; they check nothing. */
export function userOf(ctx: RouteContext): string {
  return ctx.auth?.userid ?? 'root@pam';
}

/** RPCEnvironment::check with $noerr: filters what `user => 'all'` methods return. */
export function may(ctx: RouteContext, path: string, privs: readonly string[], any = false): boolean {
  return allowed(ctx.state, userOf(ctx), path, privs, any);
}

/** RPCEnvironment::check: 403 "Permission check failed (PATH, PRIV)". */
export function must(ctx: RouteContext, path: string, privs: readonly string[], any = false): void {
  checkPerm(ctx.state, userOf(ctx), path, privs, any);
}

/** check_api2_permissions for `check => ['perm', '/vms/{vmid}', [...]]` with the URI parameters. */
export function checkRoutePermission(route: Route, ctx: RouteContext): void {
  const p = route.permission;
  if (!p) return;
  must(ctx, p.path.replace(/\{(\w+)\}/g, (_m, name: string) => ctx.params[name] ?? ''), p.privs, p.any);
}
