// Request body reading and JSON/Status responses for the lab API server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimitedBody } from '../read-body.js';
import { badRequest, internalError, KubeStatusError, unsupportedMediaType } from './status.js';

const MAX_BODY = 3 * 1024 * 1024; // the real server's default request size limit

export function readBody(req: IncomingMessage): Promise<string> {
  return readLimitedBody(req, MAX_BODY, () => new KubeStatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
}

export function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding request body: ${(e as Error).message}`);
  }
}

/** A create/update/delete body: JSON only (the lab speaks no protobuf or YAML on the wire). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  const text = await readBody(req);
  if (text && type !== 'application/json' && type !== '*/*') throw unsupportedMediaType(type, ['application/json']);
  return parseJson(text);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const err = e instanceof KubeStatusError ? e : internalError(`Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.code, err.status);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
