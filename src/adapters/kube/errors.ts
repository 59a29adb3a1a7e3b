// Maps @kubernetes/client-node's ApiException (a code and a JSON Status as a string body) and
// raw HTTP errors to our ApiError kinds, keeping the server's own message.
import { ApiError } from '../../errors.js';
import type { ApiErrorKind } from '../../errors.js';
import { codeMatching, networkFailure } from '../../transient.js';

function kindForStatus(code: number): ApiErrorKind {
  if (code === 404) return 'not-found';
  if (code === 409) return 'conflict';
  if (code === 429) return 'too-many-requests';
  if (code === 403) return 'forbidden';
  if (code === 401) return 'unauthorized';
  if (code === 400 || code === 422) return 'invalid';
  if (code === 503 || code === 504) return 'unavailable';
  return 'server';
}

/** The `message` of a Kubernetes Status body, or the raw text. */
export function statusMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.slice(0, 500);
    }
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') return (body as { message: string }).message;
  return JSON.stringify(body)?.slice(0, 500) ?? '';
}

const HINTS: Partial<Record<ApiErrorKind, string>> = {
  forbidden: 'the credentials lack this permission: `runbook rbac NAME` prints the rules a runbook needs',
  unauthorized: 'the kubeconfig credentials were refused: check --kubeconfig/--context',
  unavailable: 'the API server is not ready: retry when it is healthy',
};

/** `server`: the API server's URL, named when it cannot be reached. */
export function toApiError(e: unknown, what: string, server?: string): Error {
  if (e instanceof ApiError) return e;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'number' && code >= 400) {
    const kind = kindForStatus(code);
    const message = statusMessage((e as { body?: unknown }).body) || (e as Error).message;
    const hint = HINTS[kind];
    return new ApiError(kind, `${what}: ${message}`, { status: code, cause: e, ...(hint ? { hint } : {}) });
  }
  const net = networkFailure(e);
  if (net) return new ApiError('unavailable', `${what}: cannot reach the Kubernetes API${server ? ` at ${server}` : ''} (${net.label})`, { cause: e, hint: 'is the cluster up, and is this the right kubeconfig/context?' });
  const tls = codeMatching(e, /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
  if (tls) {
    return new ApiError('unavailable', `${what}: TLS verification failed (${tls})`, { cause: e, hint: 'the kubeconfig\'s certificate-authority does not match the server' });
  }
  // Aborted by the running step (its timeout or an interrupt): report why it stopped.
  const cause = (e as { cause?: unknown })?.cause;
  if ((e as Error)?.name === 'AbortError' && cause instanceof Error) return cause;
  return e instanceof Error ? e : new Error(String(e));
}
