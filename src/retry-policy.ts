// Retry policy as checked data (Temporal's RetryPolicy: initialInterval, backoffCoefficient,
// maximumInterval, maximumAttempts) and the one loop that applies it. It sits below the engine
// and the adapters because both retry: the engine a whole step, the adapters one API call.
import { RunbookError } from './errors.js';

export interface RetryPolicy {
  /** Delay before the first retry, ms. */
  initialIntervalMs: number;
  /** Each following delay is the previous one times this. */
  backoffCoefficient: number;
  /** No delay is longer than this, ms: backoff must not grow past what a person would wait. */
  maximumIntervalMs: number;
  /** Tries in all, the first one included. */
  maximumAttempts: number;
}

/** Checks a policy and fills Temporal's default ceiling (100 x the first delay); throws every problem at once. */
export function compileRetryPolicy(p: Omit<RetryPolicy, 'maximumIntervalMs'> & { maximumIntervalMs?: number }, where = 'retry policy'): RetryPolicy {
  const max = p.maximumIntervalMs ?? p.initialIntervalMs * 100;
  const problems: string[] = [];
  if (!Number.isInteger(p.maximumAttempts) || p.maximumAttempts < 1) problems.push(`maximumAttempts must be an integer >= 1 (got ${p.maximumAttempts})`);
  if (!Number.isFinite(p.initialIntervalMs) || p.initialIntervalMs < 0) problems.push(`initialInterval must be >= 0 ms (got ${p.initialIntervalMs})`);
  if (!Number.isFinite(p.backoffCoefficient) || p.backoffCoefficient < 1) problems.push(`backoffCoefficient must be >= 1 (got ${p.backoffCoefficient})`);
  if (!Number.isFinite(max) || max < p.initialIntervalMs) problems.push(`maximumInterval (${max} ms) must be >= initialInterval (${p.initialIntervalMs} ms)`);
  if (problems.length) throw new RunbookError('E_RETRY_POLICY', `${where}: ${problems.join('; ')}`);
  return { initialIntervalMs: p.initialIntervalMs, backoffCoefficient: p.backoffCoefficient, maximumIntervalMs: max, maximumAttempts: p.maximumAttempts };
}

/** The delay before retry number `retry` (1 = the second attempt), capped by the ceiling. */
export function retryDelay(retry: number, policy: RetryPolicy): number {
  return Math.round(Math.min(policy.maximumIntervalMs, policy.initialIntervalMs * policy.backoffCoefficient ** Math.max(0, retry - 1)));
}

/** One retried call, as the journal records it. */
export interface RetryNote {
  call: string;
  /** The attempt about to start (2 = first retry). */
  attempt: number;
  error: string;
  delayMs: number;
}

interface RetryLoopOptions {
  policy: RetryPolicy;
  /** What a person reads: `patch node/k3s-server-0`. */
  call: string;
  /** Whether this error may be retried; anything else is thrown at once. */
  retryable(e: unknown): boolean;
  /** A delay the server asked for (429 Retry-After), used instead of the backoff when longer. */
  askedDelayMs?(e: unknown): number | undefined;
  /** Stops retrying (the last error is thrown) once aborted. */
  signal?: AbortSignal;
  /** Epoch ms: no retry is started that would sleep past it. */
  deadline?: number;
  /** Told before each retry, awaited: the journal records it before the next attempt. */
  onRetry?(note: RetryNote): Promise<void> | void;
  now?: () => number;
}

export async function retrying<T>(fn: (attempt: number) => Promise<T>, o: RetryLoopOptions): Promise<T> {
  const now = o.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= o.policy.maximumAttempts || o.signal?.aborted || !o.retryable(e)) throw e;
      const delayMs = Math.min(o.policy.maximumIntervalMs, Math.max(retryDelay(attempt, o.policy), o.askedDelayMs?.(e) ?? 0));
      if (o.deadline !== undefined && now() + delayMs >= o.deadline) throw e;
      await o.onRetry?.({ call: o.call, attempt: attempt + 1, error: e instanceof Error ? e.message : String(e), delayMs });
      if (!(await pause(delayMs, o.signal))) throw e;
    }
  }
}

/** Sleeps; false when the signal aborted first. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
