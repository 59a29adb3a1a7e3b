// A step's retry policy (the runbook's `retry:`, compiled to the checked RetryPolicy of
// src/retry-policy.ts), cancellable sleeps and the step timeout, which also scopes the step's API
// calls: they retry within its deadline and report each retry.
import { inCallScope } from '../call-scope.js';
import type { CallScope } from '../call-scope.js';
import { EXIT, RunbookError } from '../errors.js';
import { compileRetryPolicy, retryDelay } from '../retry-policy.js';
import type { RetrySpec } from '../runbook/types.js';
import { isTransient } from '../transient.js';

export const NO_RETRY: RetrySpec = { attempts: 1, backoffMs: 0, factor: 1 };

export function delayBefore(attempt: number, spec: RetrySpec): number {
  // attempt is the number of the attempt about to start (2 = first retry).
  const policy = compileRetryPolicy({ maximumAttempts: spec.attempts, initialIntervalMs: spec.backoffMs, backoffCoefficient: spec.factor, ...(spec.maxBackoffMs !== undefined ? { maximumIntervalMs: spec.maxBackoffMs } : {}) }, 'retry');
  return retryDelay(attempt - 1, policy);
}

/** The run was interrupted (a signal, Ctrl-C at a prompt): exit 130 if it reaches the CLI. */
export class AbortedError extends RunbookError {
  constructor(message = 'aborted', options: { cause?: unknown } = {}) {
    super('E_ABORTED', message, { ...options, exitCode: EXIT.interrupted });
    this.name = 'AbortedError';
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One read of a polling wait. A transient failure (the API restarting), once the adapter's own
 * retries are spent, does not end the wait: the read is tried again each `pollMs` until the
 * wait's own deadline, as a wait with a 10-minute budget should.
 */
export async function readWhileWaiting<T>(read: () => Promise<T>, deadline: number, signal: AbortSignal, pollMs = 1000): Promise<T> {
  for (;;) {
    try {
      return await read();
    } catch (e) {
      if (!isTransient(e, { idempotent: true }) || Date.now() + pollMs >= deadline) throw e;
      await sleep(pollMs, signal);
    }
  }
}

export class StepTimeoutError extends RunbookError {
  constructor(readonly timeoutMs: number) {
    super('E_STEP_TIMEOUT', `timed out after ${timeoutMs} ms`, { exitCode: EXIT.stepFailed });
    this.name = 'StepTimeoutError';
  }
}

/**
 * Runs `fn` with a signal that aborts on the parent's abort or after `timeoutMs`. If `fn` ignores
 * the signal, the timeout still rejects: the engine must not hang on a stuck step. The API calls
 * `fn` makes see that signal and deadline (call scope), and report their retries to `onRetry`.
 */
export async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, timeoutMs: number | undefined, parent: AbortSignal, onRetry?: CallScope['onRetry']): Promise<T> {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (timeoutMs === undefined) return;
    timer = setTimeout(() => {
      const err = new StepTimeoutError(timeoutMs);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    const scope: CallScope = { signal: controller.signal, ...(timeoutMs !== undefined ? { deadline: Date.now() + timeoutMs } : {}), ...(onRetry ? { onRetry } : {}) };
    return await Promise.race([inCallScope(scope, () => fn(controller.signal)), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
    parent.removeEventListener('abort', onParentAbort);
  }
}
