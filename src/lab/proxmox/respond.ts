// Response shapes of the JSON formatter (pve-http-server PVE/APIServer/Formatter/Standard.pm):
// `{"data": ...}` with content-type exactly `application/json;charset=UTF-8`; errors carry
// `message` (since pve-http-server 5.2, fix #6503) and `errors` per field, with the message's
// first line as HTTP reason phrase (AnyEvent.pm response()). Errors raised by the HTTP layer
// itself (auth, unreachable node) have a status line and no body.
import type { ServerResponse } from 'node:http';
import type { PveError } from './errors.js';

const JSON_TYPE = 'application/json;charset=UTF-8';

function commonHeaders(res: ServerResponse): void {
  const date = new Date().toUTCString();
  res.setHeader('Date', date);
  res.setHeader('Expires', date);
  res.setHeader('Cache-Control', 'max-age=0');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Server', 'pve-api-daemon/3.0');
}

/** Reason phrases are one line; PVE falls back to 400 when a message has CR/LF in the middle. */
function reason(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/[^\t\x20-\x7e]/g, '?');
}

export function sendJson(res: ServerResponse, status: number, message: string | undefined, body: unknown): void {
  const text = JSON.stringify(body);
  commonHeaders(res);
  res.setHeader('Content-Type', JSON_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (status >= 400) res.setHeader('Connection', 'close');
  res.writeHead(status, message === undefined ? undefined : reason(message));
  res.end(text);
}

export function sendData(res: ServerResponse, data: unknown, total?: number): void {
  sendJson(res, 200, 'OK', total === undefined ? { data: data ?? null } : { data: data ?? null, total });
}

export function sendPveError(res: ServerResponse, e: PveError): void {
  sendJson(res, e.status, e.message, { data: null, message: e.message, ...(e.errors ? { errors: e.errors } : {}) });
}

export function sendBare(res: ServerResponse, status: number, message: string): void {
  commonHeaders(res);
  res.setHeader('Connection', 'close');
  res.setHeader('Content-Length', 0);
  res.writeHead(status, reason(message));
  res.end();
}
