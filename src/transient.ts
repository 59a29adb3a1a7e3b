// Which failures of an API call are worth another try, for the Kubernetes and the Proxmox
// adapters and the waits that poll through them alike (so it sits below all three): a connection refused, reset or timed out, a 429 (honouring Retry-After) and a
// 5xx other than 501 (not implemented: asking again changes nothing). PVE's 595/596 are not
// transient here: they say the target PVE node is unreachable, an answer steps act on.
// A request that may have reached the server (reset, timeout, 5xx) is only sent again when it is
// idempotent: a reboot that ran but whose reply was lost must not run twice.

/** Connection failures, by Node's and undici's codes. */
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);
/** ...of which these mean the request never left: safe to send again whatever it does. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function* causes(e: unknown): Generator<Record<string, unknown>> {
  let cur: unknown = e;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 6; depth++) {
    yield cur as Record<string, unknown>;
    cur = (cur as { cause?: unknown }).cause;
  }
}

/** The HTTP status an error carries (ApiError.status, client-node's ApiException.code), if any. */
export function statusOf(e: unknown): number | undefined {
  for (const c of causes(e)) {
    if (typeof c.status === 'number') return c.status;
    if (typeof c.code === 'number') return c.code;
  }
  return undefined;
}

/** undici's codes in the words of the Node ones people know. */
const UNDICI_LABELS: Record<string, string> = {
  UND_ERR_SOCKET: 'ECONNRESET: the server closed the connection',
  UND_ERR_CLOSED: 'ECONNRESET: the connection was closed',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT: connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT: no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT: the response body stalled',
};

/**
 * The connection failure somewhere in the cause chain: its code (ECONNREFUSED...) and a label
 * for messages (`ETIMEDOUT: no answer within 30 s` for our own request timeout).
 */
export function networkFailure(e: unknown): { code: string; label: string } | undefined {
  for (const c of causes(e)) {
    if (typeof c.code === 'string' && NETWORK.has(c.code)) {
      const own = typeof c.timeoutMs === 'number' ? `ETIMEDOUT: no answer within ${c.timeoutMs / 1000} s` : undefined;
      return { code: c.code, label: UNDICI_LABELS[c.code] ?? own ?? c.code };
    }
    if (c.message === 'socket hang up') return { code: 'ECONNRESET', label: 'ECONNRESET: socket hang up' };
  }
  return undefined;
}

/** A code somewhere in the cause chain matching `pattern` (TLS failures: CERT_..., SELF_SIGNED...). */
export function codeMatching(e: unknown, pattern: RegExp): string | undefined {
  for (const c of causes(e)) if (typeof c.code === 'string' && pattern.test(c.code)) return c.code;
  return undefined;
}

export function isTransient(e: unknown, o: { idempotent: boolean }): boolean {
  const code = networkFailure(e)?.code;
  if (code) return o.idempotent || NEVER_SENT.has(code);
  const status = statusOf(e);
  if (status === undefined) return false;
  // 429 and 503 are refusals before any work was done; other 5xx may come after it.
  if (status === 429 || status === 503) return true;
  return o.idempotent && status >= 500 && status <= 599 && status !== 501 && status !== 595 && status !== 596;
}

/** Retry-After (seconds or an HTTP date) of a 429/503 answer, in ms. */
export function askedDelayMs(e: unknown, now = Date.now()): number | undefined {
  for (const c of causes(e)) {
    const headers = c.headers as Record<string, string | string[] | undefined> | Headers | undefined;
    const raw = headers instanceof Headers ? headers.get('retry-after') : headers?.['retry-after'];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === null) continue;
    if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}
