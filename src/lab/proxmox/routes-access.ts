// /version (pve-manager PVE/API2/Version.pm) and /access/ticket (pve-access-control
// PVE/API2/AccessControl.pm create_ticket: a wrong password is a 401 "authentication failure"
// from the handler, so with a JSON body, and no hint whether the user exists).
import { checkPassword, createCsrfToken, createTicket } from './auth.js';
import { computeApiPermission, effectivePermissions } from './acl.js';
import { PveError } from './errors.js';
import { versionInfo } from './pve-version.js';
import { must, userOf } from './route-access.js';
import type { Route } from './route-types.js';

export const accessRoutes: Route[] = [
  {
    method: 'GET',
    path: '/version',
    schema: {},
    handler: ({ state }) => versionInfo(state.pveVersion),
  },
  {
    // "Dummy. Useful for formatters which want to provide a login page."
    method: 'GET',
    path: '/access/ticket',
    schema: {},
    handler: () => null,
  },
  {
    method: 'POST',
    path: '/access/ticket',
    schema: {
      username: { type: 'string', maxLength: 64 },
      password: { type: 'string' },
      realm: { type: 'string', optional: true },
      otp: { type: 'string', optional: true },
      path: { type: 'string', optional: true, maxLength: 64 },
      privs: { type: 'string', optional: true, maxLength: 64 },
      'new-format': { type: 'boolean', optional: true },
      'tfa-challenge': { type: 'string', optional: true },
    },
    handler: ({ state, params }) => {
      const userid = checkPassword(state, params.username!, params.password!, params.realm);
      if (!userid) throw new PveError(401, 'authentication failure\n');
      return {
        username: userid,
        ticket: createTicket(state, userid),
        CSRFPreventionToken: createCsrfToken(state, userid),
        cap: computeApiPermission(state, userid),
      };
    },
  },
  {
    // PVE/API2/AccessControl.pm `permissions`: anyone may read their own (or their own tokens');
    // another user's needs Sys.Audit on /access.
    method: 'GET',
    path: '/access/permissions',
    schema: {
      userid: { type: 'string', optional: true, maxLength: 128 },
      path: { type: 'string', optional: true, maxLength: 512 },
    },
    handler: (ctx) => {
      const self = userOf(ctx);
      const userid = ctx.params.userid ?? self;
      if (userid !== self && userid.split('!')[0] !== self) must(ctx, '/access', ['Sys.Audit']);
      return effectivePermissions(ctx.state, userid, ctx.params.path);
    },
  },
];
