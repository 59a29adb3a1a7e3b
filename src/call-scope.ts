// The deadline of the step being run, seen by every API call it makes: the adapters stop
// retrying when the step's signal aborts or its deadline is near, and report each retry to the
// journal, without a signal threaded through every port method. The engine opens a scope around
// apply and rollback; outside one (plan, doctor) calls retry on their own policy alone.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RetryNote } from './retry-policy.js';

export interface CallScope {
  signal?: AbortSignal;
  /** Epoch ms when the step times out. */
  deadline?: number;
  onRetry?(note: RetryNote): Promise<void> | void;
}

const scopes = new AsyncLocalStorage<CallScope>();

export function inCallScope<T>(scope: CallScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run(scope, fn);
}

export function currentCallScope(): CallScope {
  return scopes.getStore() ?? {};
}
