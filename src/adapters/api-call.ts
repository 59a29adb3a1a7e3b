// One API call as the Kubernetes and Proxmox adapters make it: every request has a timeout,
// transient failures are retried on an explicit policy within the running step's deadline, and
// each retry is reported (the engine journals it). An endpoint that has never answered is not
// retried: a wrong URL or a server down from the start is reported at once, naming it.
import { currentCallScope } from '../call-scope.js';
import { compileRetryPolicy, retrying } from '../retry-policy.js';
import type { RetryPolicy } from '../retry-policy.js';
import { askedDelayMs, isTransient } from '../transient.js';

export interface CallPolicy {
  /** Connect plus complete answer, per request. */
  requestTimeoutMs: number;
  retry: RetryPolicy;
}

/** 250 ms, 0.5, 1, 2, 4, 5, 5 s: about 18 s of retries, so a 10 s API restart is ridden out. */
export const DEFAULT_CALL_POLICY: CallPolicy = {
  requestTimeoutMs: 30_000,
  retry: compileRetryPolicy({ initialIntervalMs: 250, backoffCoefficient: 2, maximumIntervalMs: 5_000, maximumAttempts: 8 }, 'API call retry'),
};

/** Whether an endpoint has answered (any status) at least once in this process. */
export class Reachability {
  reached = false;
  /**
   * How it failed before it ever answered (refused, black-holed past the request timeout):
   * later calls in this process fail with it at once instead of each waiting out its own timeout.
   */
  unreachable: Error | undefined;
}

/** A timeout as a network error (code ETIMEDOUT), so the mappers and the retry treat it as one. */
function requestTimeoutError(ms: number): Error & { code: string; timeoutMs: number } {
  // timeoutMs, not the message, tells it apart: client-node rewrites the message of errors it passes on.
  return Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'ETIMEDOUT', timeoutMs: ms });
}

/**
 * A signal for one request: aborts after `timeoutMs` (reason: an ETIMEDOUT error) or when the
 * running step's signal aborts. The timer is unreferenced: a pending request holds the process
 * by its socket, a finished one must not hold it for the rest of the timeout.
 */
export function requestSignal(timeoutMs: number): { signal: AbortSignal; detach(): void; done(): void } {
  const controller = new AbortController();
  const outer = currentCallScope().signal;
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  const timer = setTimeout(() => controller.abort(requestTimeoutError(timeoutMs)), timeoutMs);
  timer.unref();
  const detach = () => outer?.removeEventListener('abort', onOuter);
  return {
    signal: controller.signal,
    detach,
    done: () => {
      clearTimeout(timer);
      detach();
    },
  };
}

interface ApiCallOptions {
  policy: CallPolicy;
  reach: Reachability;
  /** Safe to send twice (reads, merge patches, deletes): then a reset or timeout is retried too. */
  idempotent: boolean;
  /** Maps the library's error to ours (cause kept, so the classification still sees it). */
  mapError(e: unknown): Error;
  /** Epoch ms of a wait's own deadline: retry as often as needed until then, not just maximumAttempts times. */
  until?: number;
}

export function apiCall<T>(call: string, fn: () => Promise<T>, o: ApiCallOptions): Promise<T> {
  const scope = currentCallScope();
  const deadline = Math.min(scope.deadline ?? Infinity, o.until ?? Infinity);
  return retrying(
    async () => {
      if (!o.reach.reached && o.reach.unreachable) throw o.reach.unreachable;
      try {
        return await fn();
      } catch (e) {
        const mapped = o.mapError(e);
        if (!o.reach.reached && isTransient(mapped, { idempotent: true })) o.reach.unreachable ??= mapped;
        throw mapped;
      }
    },
    {
      policy: o.until === undefined ? o.policy.retry : { ...o.policy.retry, maximumAttempts: Number.MAX_SAFE_INTEGER },
      call,
      // Before the endpoint ever answered, a failure is a wrong URL, a server down or a firewall
      // dropping packets: said at once (after one request timeout at most), not retried for minutes.
      retryable: (e) => o.reach.reached && isTransient(e, { idempotent: o.idempotent }),
      askedDelayMs: (e) => askedDelayMs(e),
      ...(scope.signal ? { signal: scope.signal } : {}),
      ...(deadline !== Infinity ? { deadline } : {}),
      ...(scope.onRetry ? { onRetry: scope.onRetry } : {}),
    },
  );
}
