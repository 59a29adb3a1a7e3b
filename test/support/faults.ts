// Helpers for the fault tests: run a call as a step would (collecting the retries it reports),
// find a closed port. (A lab condition is awaited with ./eventually.ts.)
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inCallScope } from '../../src/call-scope.js';
import type { CallScope } from '../../src/call-scope.js';
import type { RetryNote } from '../../src/retry-policy.js';

/** Runs `fn` in a call scope (a step's signal and deadline); `onNote` sees the retries so far after each one. Settles before returning. */
export async function scoped<T>(fn: () => Promise<T>, onNote?: (all: RetryNote[]) => void, step: Omit<CallScope, 'onRetry'> = {}): Promise<{ result: Promise<T>; notes: RetryNote[] }> {
  const notes: RetryNote[] = [];
  const result = inCallScope({ ...step, onRetry: (n) => { notes.push(n); onNote?.(notes); } }, fn);
  await result.catch(() => undefined);
  return { result, notes };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
