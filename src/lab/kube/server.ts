// The lab's Kubernetes API server: HTTPS on 127.0.0.1, optional bearer token, discovery,
// health endpoints and the REST paths of the resource table, all over one KubeStore.
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:https';
import { countTraffic, type Traffic } from '../traffic.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabFaults } from '../faults/faults.js';
import { ACCESS_REVIEW_PATH, serveAccessReview } from './access-review.js';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, LAB_VERSION } from './discovery.js';
import { handleResource } from './handlers.js';
import type { ResourceRoute } from './handlers.js';
import { sendError, sendJson, sendText } from './http-io.js';
import { openapiV3Document, openapiV3Root } from './openapi.js';
import { byPlural } from './resources.js';
import { pathNotFound, unauthorized } from './status.js';
import type { KubeStore } from './store.js';

export interface KubeServer { url: string; port: number; traffic: Traffic; close(): Promise<void> }

interface KubeServerOptions {
  store: KubeStore;
  tls: { certPem: string; keyPem: string };
  host?: string;
  port?: number;
  /** When set, every request needs `Authorization: Bearer <token>` (k3s runs with anonymous auth off). */
  token?: string;
  /** Fault injection, consulted before each request is handled. */
  faults?: LabFaults;
}

/** `/api/v1/...` or `/apis/G/V/...` to a resource route; undefined when no resource matches. */
function resourceRoute(segments: string[]): ResourceRoute | undefined {
  let group = '';
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') [version, rest] = [segments[1] ?? '', segments.slice(2)];
  else [group, version, rest] = [segments[1] ?? '', segments[2] ?? '', segments.slice(3)];
  if (rest.length === 0) return undefined;
  // namespaces/NS/PLURAL[/NAME[/SUB]] unless that is the namespace's own subresource (namespaces/NS/status).
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const t = byPlural(group, version, rest[2]!);
    if (t?.namespaced) {
      if (rest.length > 5) return undefined;
      return { t, namespace: rest[1]!, ...(rest[3] ? { name: rest[3] } : {}), ...(rest[4] ? { sub: rest[4] } : {}) };
    }
  }
  const t = byPlural(group, version, rest[0]!);
  if (!t || rest.length > 3) return undefined;
  if (t.namespaced && rest.length > 1) return undefined; // named namespaced objects need their namespace
  return { t, ...(rest[1] ? { name: rest[1] } : {}), ...(rest[2] ? { sub: rest[2] } : {}) };
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

async function route(req: IncomingMessage, res: ServerResponse, opts: KubeServerOptions, serverAddress: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://lab.invalid');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (!authorized(req, opts.token)) throw unauthorized();
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (path === '/healthz' || path === '/livez' || path === '/readyz') return sendText(res, 200, 'ok');
    if (path === '/version') return sendJson(res, 200, LAB_VERSION);
    if (path === '/api') return sendJson(res, 200, apiVersions(serverAddress));
    if (path === '/apis') return sendJson(res, 200, apiGroupList());
    if (path === '/openapi/v3') return sendJson(res, 200, openapiV3Root());
    if (path.startsWith('/openapi/v3/')) {
      const doc = openapiV3Document(path.slice('/openapi/v3/'.length));
      if (doc) return sendJson(res, 200, doc);
    }
    const segs = path.split('/').filter(Boolean);
    if (segs[0] === 'api' && segs.length === 2) {
      const doc = apiResourceList(segs[1]!);
      if (doc) return sendJson(res, 200, doc);
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      const doc = apiGroupDoc(segs[1]!);
      if (doc) return sendJson(res, 200, doc);
    }
    if (segs[0] === 'apis' && segs.length === 3) {
      const doc = apiResourceList(`${segs[1]}/${segs[2]}`);
      if (doc) return sendJson(res, 200, doc);
    }
  }
  if (req.method === 'POST' && path === ACCESS_REVIEW_PATH) return serveAccessReview(req, res);
  const segs = path.split('/').filter(Boolean);
  // A group nobody serves falls through the real server's handler chain to the plain mux 404.
  if (segs[0] !== 'api' && (segs[0] !== 'apis' || !apiGroupDoc(segs[1] ?? ''))) return sendText(res, 404, '404 page not found\n');
  const r = resourceRoute(segs);
  if (!r) throw pathNotFound();
  await handleResource(req, res, opts.store, r, url.searchParams);
}

export function startKubeServer(opts: KubeServerOptions): Promise<KubeServer> {
  const host = opts.host ?? '127.0.0.1';
  let serverAddress = host;
  const server = createServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, (req, res) => {
    const handle = () => route(req, res, opts, serverAddress);
    (opts.faults ? opts.faults.intercept('kube', req, res).then((handled) => (handled ? undefined : handle())) : handle()).catch((e: unknown) => sendError(res, e));
  });
  const traffic = countTraffic(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      serverAddress = `${host}:${port}`;
      opts.faults?.attach('kube', server);
      resolve({
        url: `https://${host}:${port}`,
        port,
        traffic,
        close: () =>
          new Promise<void>((done) => {
            // Watches are long-lived: close them instead of waiting for their timeouts.
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
