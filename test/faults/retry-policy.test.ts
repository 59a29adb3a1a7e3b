// Retry policy as checked data, the one retry loop, and the one place that says which failures
// are transient: the pure parts of "every call has a deadline; transient errors are retried".
import { describe, expect, it } from 'vitest';
import { askedDelayMs, isTransient } from '../../src/transient.js';
import { delayBefore } from '../../src/engine/retry.js';
import { ApiError, RunbookError } from '../../src/errors.js';
import { compileRetryPolicy, retryDelay, retrying } from '../../src/retry-policy.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { builtinRegistry } from '../../steps/index.js';
import type { RetryNote } from '../../src/retry-policy.js';

const net = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ${code}`), { code }) });
const status = (s: number) => new ApiError(s === 429 ? 'too-many-requests' : 'server', `HTTP ${s}`, { status: s });

describe('retry policy as data', () => {
  it('reports every problem of a policy at once', () => {
    const bad = () => compileRetryPolicy({ maximumAttempts: 0, initialIntervalMs: 100, backoffCoefficient: 0.5, maximumIntervalMs: 10 }, 'steps.2.retry');
    expect(bad).toThrowError(RunbookError);
    expect(bad).toThrowError('steps.2.retry: maximumAttempts must be an integer >= 1 (got 0); backoffCoefficient must be >= 1 (got 0.5); maximumInterval (10 ms) must be >= initialInterval (100 ms)');
  });

  it('grows delays by the coefficient up to the maximum interval (default 100 x the first)', () => {
    const p = compileRetryPolicy({ maximumAttempts: 10, initialIntervalMs: 250, backoffCoefficient: 2, maximumIntervalMs: 5000 });
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, p))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(compileRetryPolicy({ maximumAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 10 }).maximumIntervalMs).toBe(100_000);
  });

  it("a runbook's step retry has a ceiling too: attempts 20, factor 10 never waits more than 100 x backoff", () => {
    expect(delayBefore(2, { attempts: 20, backoffMs: 1000, factor: 10 })).toBe(1000);
    expect(delayBefore(20, { attempts: 20, backoffMs: 1000, factor: 10 })).toBe(100_000);
    expect(delayBefore(20, { attempts: 20, backoffMs: 1000, factor: 10, maxBackoffMs: 30_000 })).toBe(30_000);
  });

  it('a runbook sets the ceiling with retry.maxBackoff', () => {
    const doc = 'apiVersion: runbook.dev/v1\nname: x\ndescription: d\nsteps:\n  - { id: a, uses: k8s.cordon, with: { node: n1 }, retry: { attempts: 9, backoff: 2s, maxBackoff: 30s } }\n';
    const { runbook, diagnostics } = parseRunbook(doc, 'x.yaml', builtinRegistry());
    expect(diagnostics).toEqual([]);
    const spec = runbook!.steps[0]!.retry!;
    expect(spec).toEqual({ attempts: 9, backoffMs: 2000, factor: 2, maxBackoffMs: 30_000 });
    expect([2, 3, 4, 5, 6].map((n) => delayBefore(n, spec))).toEqual([2000, 4000, 8000, 16_000, 30_000]);
  });
});

describe('the retry loop', () => {
  const policy = compileRetryPolicy({ maximumAttempts: 4, initialIntervalMs: 1, backoffCoefficient: 2, maximumIntervalMs: 5 });

  it('retries what is retryable, reports each retry before it, and stops after maximumAttempts', async () => {
    const notes: RetryNote[] = [];
    let calls = 0;
    const run = retrying(async () => {
      calls++;
      throw new Error(`down ${calls}`);
    }, { policy, call: 'get node/a', retryable: () => true, onRetry: (n) => void notes.push(n) });
    await expect(run).rejects.toThrow('down 4');
    expect(calls).toBe(4);
    expect(notes).toEqual([
      { call: 'get node/a', attempt: 2, error: 'down 1', delayMs: 1 },
      { call: 'get node/a', attempt: 3, error: 'down 2', delayMs: 2 },
      { call: 'get node/a', attempt: 4, error: 'down 3', delayMs: 4 },
    ]);
  });

  it('throws a permanent error at once', async () => {
    let calls = 0;
    await expect(retrying(async () => { calls++; throw new Error('forbidden'); }, { policy, call: 'x', retryable: () => false })).rejects.toThrow('forbidden');
    expect(calls).toBe(1);
  });

  it('starts no retry that would sleep past the deadline, and none once the signal aborted', async () => {
    let calls = 0;
    const now = 1_000;
    await expect(retrying(async () => { calls++; throw new Error('down'); }, { policy, call: 'x', retryable: () => true, deadline: now + 1, now: () => now })).rejects.toThrow('down');
    expect(calls).toBe(1);
    const aborted = AbortSignal.abort();
    await expect(retrying(async () => { calls++; throw new Error('down'); }, { policy, call: 'x', retryable: () => true, signal: aborted })).rejects.toThrow('down');
    expect(calls).toBe(2);
  });

  it('waits what a 429 asked for (Retry-After), up to the maximum interval', async () => {
    const notes: RetryNote[] = [];
    const wide = compileRetryPolicy({ maximumAttempts: 2, initialIntervalMs: 1, backoffCoefficient: 2, maximumIntervalMs: 30 });
    await expect(retrying(async () => { throw new Error('busy'); }, { policy: wide, call: 'x', retryable: () => true, askedDelayMs: () => 20, onRetry: (n) => void notes.push(n) })).rejects.toThrow('busy');
    await expect(retrying(async () => { throw new Error('busy'); }, { policy: wide, call: 'x', retryable: () => true, askedDelayMs: () => 5_000, onRetry: (n) => void notes.push(n) })).rejects.toThrow('busy');
    expect(notes.map((n) => n.delayMs)).toEqual([20, 30]);
  });
});

describe('transient classification (one place for both adapters)', () => {
  it.each([
    ['connection refused', net('ECONNREFUSED'), true, true],
    ['no such host', net('ENOTFOUND'), true, true],
    ['connection reset', net('ECONNRESET'), true, false],
    ['socket hang up', Object.assign(new Error('x'), { cause: new Error('socket hang up') }), true, false],
    ['request timeout', net('ETIMEDOUT'), true, false],
    ['connect timeout (undici)', net('UND_ERR_CONNECT_TIMEOUT'), true, true],
    ['429', status(429), true, true],
    ['503', status(503), true, true],
    ['500', status(500), true, false],
    ['504', status(504), true, false],
    ['501 not implemented', status(501), false, false],
    ['595 PVE node unreachable', new ApiError('node-unreachable', 'x', { status: 595 }), false, false],
    ['404', new ApiError('not-found', 'x', { status: 404 }), false, false],
    ['409', new ApiError('conflict', 'x', { status: 409 }), false, false],
    ['TLS verification', Object.assign(new Error('x'), { cause: Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) }), false, false],
    ['a plain bug', new TypeError('undefined is not a function'), false, false],
  ])('%s: idempotent %s, not idempotent %s', (_name, e, idempotent, other) => {
    expect(isTransient(e, { idempotent: true })).toBe(idempotent);
    expect(isTransient(e, { idempotent: false })).toBe(other);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const at = Date.parse('2026-12-04T10:00:00Z');
    expect(askedDelayMs(Object.assign(new Error('x'), { cause: { headers: { 'retry-after': '3' } } }), at)).toBe(3000);
    expect(askedDelayMs({ headers: new Headers({ 'Retry-After': 'Fri, 04 Dec 2026 10:00:05 GMT' }) }, at)).toBe(5000);
    expect(askedDelayMs(new Error('no header'), at)).toBeUndefined();
  });
});
