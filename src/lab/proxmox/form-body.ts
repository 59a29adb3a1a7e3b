// Request parameters as pve-http-server collects them: the query string plus, for POST/PUT,
// an application/x-www-form-urlencoded or application/json body (PVE/APIServer/AnyEvent.pm).
// Everything arrives as strings; the schema check (schema.ts) types them.
import type { IncomingMessage } from 'node:http';
import { readLimitedBody } from '../read-body.js';
import { PveError } from './errors.js';

const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return readLimitedBody(req, MAX_BODY, () => new PveError(413, 'Request Entity Too Large'));
}

function scalar(v: unknown): string {
  if (v === true) return '1';
  if (v === false) return '0';
  return String(v);
}

export async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  const method = req.method ?? 'GET';
  const text = await readBody(req);
  if (!text) return params;
  // AnyEvent.pm: "Unexpected content for method" on GET/DELETE bodies.
  if (method !== 'POST' && method !== 'PUT') throw new PveError(501, `Unexpected content for method '${method}'`);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PveError(400, 'Bad Request');
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) if (v !== null && v !== undefined) params[k] = scalar(v);
    }
    return params;
  }
  for (const [k, v] of new URLSearchParams(text)) params[k] = v;
  return params;
}
