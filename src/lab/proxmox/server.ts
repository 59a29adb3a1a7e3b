// The Proxmox VE API simulator: HTTPS on 127.0.0.1, everything under /api2/json. Request
// flow as pve-http-server PVE/APIServer/AnyEvent.pm + pve-manager PVE/HTTPServer.pm:
// authenticate (401 from the HTTP layer), find the method (501 if none), check permissions
// (403), proxy to the target node (here: 595 when it is offline), verify parameters (400), run
// the code (500 on die).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { countTraffic, type Traffic } from '../traffic.js';
import type { AddressInfo } from 'node:net';
import type { LabFaults } from '../faults/faults.js';
import { authenticate, isPublic, type AuthInfo } from './auth.js';
import { AuthError, PveError, fail, paramError } from './errors.js';
import { readParams } from './form-body.js';
import { checkRoutePermission } from './route-access.js';
import { sendBare, sendData, sendPveError } from './respond.js';
import type { Route, WithTotal } from './route-types.js';
import { accessRoutes } from './routes-access.js';
import { nodeRoutes } from './routes-nodes.js';
import { qemuRoutes } from './routes-qemu.js';
import { validateParams } from './schema.js';
import type { ProxmoxState } from './state.js';

export interface ProxmoxServer {
  url: string /* https://127.0.0.1:PORT */;
  port: number;
  traffic: Traffic;
  close(): Promise<void>;
  /**
   * Fault injection: the next request matching `method` and `path` (relative to /api2/json)
   * is fully processed, but its response is lost: the connection is cut after `afterMs`, or
   * once `when()` holds (polled), to model a reply lost after a slow network hiccup.
   */
  dropNextResponse(match: { method: string; path: RegExp; afterMs?: number; when?: () => boolean }): void;
}

const BASE = '/api2/json';

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, regex: new RegExp(`^${source}$`), names };
}

const ROUTES = [...accessRoutes, ...nodeRoutes, ...qemuRoutes].map(compile);

function findRoute(method: string, rel: string): { route: Route; path: Record<string, string> } | undefined {
  for (const c of ROUTES) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(rel);
    if (!m) continue;
    const path: Record<string, string> = {};
    c.names.forEach((n, i) => (path[n] = decodeURIComponent(m[i + 1]!)));
    return { route: c.route, path };
  }
  return undefined;
}

export function startProxmoxServer(opts: { state: ProxmoxState; tls: { certPem: string; keyPem: string }; host?: string; port?: number; faults?: LabFaults }): Promise<ProxmoxServer> {
  const { state } = opts;
  const drops: { method: string; path: RegExp; afterMs: number; when?: () => boolean }[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const fullPath = decodeURIComponent(url.pathname);
    if (!fullPath.startsWith(`${BASE}/`) && fullPath !== BASE) return sendBare(res, 501, 'no such uri');
    const rel = fullPath.slice(BASE.length).replace(/\/+$/, '') || '/';

    let auth: AuthInfo | undefined;
    if (!isPublic(method, rel)) {
      try {
        auth = authenticate(state, method, req.headers);
      } catch (e) {
        // PVE delays unauthorized answers by 3 seconds; the simulator answers at once.
        if (e instanceof AuthError) return sendBare(res, 401, e.message);
        throw e;
      }
    }

    const params = await readParams(req, url);
    const found = findRoute(method, rel);
    if (!found) throw new PveError(501, `Method '${method} ${rel}' not implemented`);

    for (const [k, v] of Object.entries(found.path)) {
      if (params[k] !== undefined && params[k] !== v) throw paramError({ [k]: 'duplicate parameter (already defined in URI) with conflicting values!' });
      params[k] = v;
    }
    const ctx = { state, params, auth };
    // PVE/HTTPServer.pm rest_handler: permissions first, then the proxy to the node.
    checkRoutePermission(found.route, ctx);
    const node = found.path.node;
    if (node !== undefined && rel.startsWith('/nodes/')) {
      const n = state.node(node);
      // PVE::Cluster::remote_node_ip falls back to a hostname lookup for unknown nodes.
      if (!n) throw fail(`hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
      // The proxied request to a node that is down fails while connecting (AnyEvent::HTTP:
      // "595 - errors during connection establishment"), with $! as reason and no body;
      // pve-http-server PVE/APIServer/AnyEvent.pm proxy_request passes Status/Reason through.
      if (!n.online) return sendBare(res, 595, 'No route to host');
    }
    validateParams(params, found.route.schema);
    const result = found.route.handler(ctx);

    const drop = drops.findIndex((d) => d.method === method && d.path.test(rel));
    if (drop >= 0) {
      const [d] = drops.splice(drop, 1);
      const cut = () => {
        if (d!.when && !d!.when() && !req.socket.destroyed) return void setTimeout(cut, 20).unref();
        req.socket.destroy();
      };
      setTimeout(cut, d!.afterMs).unref();
      return;
    }
    if (result && typeof result === 'object' && (result as WithTotal).withTotal === true) {
      const r = result as WithTotal;
      return sendData(res, r.data, r.total);
    }
    sendData(res, result);
  }

  const server = createServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, (req, res) => {
    const handled = opts.faults ? opts.faults.intercept('proxmox', req, res) : Promise.resolve(false);
    handled.then((done) => (done ? undefined : handle(req, res))).catch((e: unknown) => {
      if (res.headersSent) return;
      if (e instanceof PveError) return sendPveError(res, e);
      sendPveError(res, new PveError(500, `${e instanceof Error ? e.message : String(e)}\n`));
    });
  });
  const traffic = countTraffic(server);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const host = opts.host ?? '127.0.0.1';
      opts.faults?.attach('proxmox', server);
      resolve({
        url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
        port,
        traffic,
        dropNextResponse: (m) => void drops.push({ ...m, method: m.method.toUpperCase(), afterMs: m.afterMs ?? 0 }),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
