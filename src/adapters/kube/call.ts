// One Kubernetes API call: the adapter's timeout and retry policy, errors mapped to ApiError
// kinds, the server named when it cannot be reached. Shared by client-node's reader and the plain one.
import { apiCall } from '../api-call.js';
import type { CallPolicy, Reachability } from '../api-call.js';
import { toApiError } from './errors.js';

/** `idempotent` says whether a reset or timeout may be retried; `until` bounds the retries (a wait's deadline). */
export type KubeCaller = <T>(what: string, fn: () => Promise<T>, idempotent: boolean, until?: number) => Promise<T>;

export function kubeCaller(policy: CallPolicy, reach: Reachability, server: string | undefined): KubeCaller {
  return (what, fn, idempotent, until) =>
    apiCall(what, fn, { policy, reach, idempotent, mapError: (e) => toApiError(e, what, server), ...(until !== undefined ? { until } : {}) });
}
