// The fetch proxmox-api is given, in two layers around the TLS-verifying one:
// - timedFetch: every request has a timeout (connect plus answer) and marks Proxmox reached.
// - failuresAsAnswers: a failed connection comes back to the library as a (599) answer instead
//   of an exception. On an exception proxmox-api retries once on its own and leaves its query
//   timer running (ProxmoxEngine.doRequest clears it only after a fetch that resolved), which
//   kept `plan` alive ~30 s after it had reported. Retries are ours: explicit, bounded, journaled.
import { requestSignal } from '../api-call.js';
import type { Reachability } from '../api-call.js';
import type { FetchLike } from './tls-fetch.js';

export function timedFetch(inner: FetchLike, timeoutMs: number, reach: Reachability): FetchLike {
  return async (url, init = {}) => {
    const deadline = requestSignal(timeoutMs);
    const library = init.signal as AbortSignal | undefined;
    try {
      const res = await inner(url, { ...init, signal: library ? AbortSignal.any([library, deadline.signal]) : deadline.signal });
      reach.reached = true;
      deadline.detach();
      return res;
    } catch (e) {
      deadline.done();
      throw e;
    }
  };
}

/** Failed connections by id, until the client picks its error up again (networkFailureOf). */
const failures = new Map<string, unknown>();
let nextId = 0;
const MARK = 'runbookNetworkFailure';

export function failuresAsAnswers(inner: FetchLike): FetchLike {
  return async (url, init) => {
    try {
      return await inner(url, init);
    } catch (e) {
      const id = String(++nextId);
      failures.set(id, e);
      // The JSON content type proxmox-api parses; it then throws "... connection failed with 599 ... return: {body}".
      return new Response(JSON.stringify({ data: null, [MARK]: id }), { status: 599, statusText: 'connection failed', headers: { 'content-type': 'application/json;charset=UTF-8' } });
    }
  };
}

/** The connection failure behind a proxmox-api error thrown for a failuresAsAnswers answer. */
export function networkFailureOf(e: unknown): unknown {
  const m = new RegExp(`"${MARK}":"(\\d+)"`).exec(e instanceof Error ? e.message : String(e));
  if (!m) return undefined;
  const failure = failures.get(m[1]!);
  failures.delete(m[1]!);
  return failure;
}
