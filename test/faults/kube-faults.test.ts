// The Kubernetes adapter against the lab's API server with faults injected per endpoint: every
// request has a timeout, transient failures are retried (and reported) on the explicit policy,
// permanent ones are not, a request that may have reached the server is not sent twice unless
// that is harmless, and a wait rides out an outage and dropped watches until its own deadline.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallPolicy } from '../../src/adapters/api-call.js';
import { createKubeAdapters } from '../../src/adapters/kube/adapter.js';
import type { KubeAdapters } from '../../src/adapters/kube/adapter.js';
import type { KubeObject, KubeRef } from '../../src/adapters/ports.js';
import { startLab } from '../../src/lab/lab.js';
import type { Lab } from '../../src/lab/lab.js';
import { compileRetryPolicy } from '../../src/retry-policy.js';
import { inCallScope } from '../../src/call-scope.js';
import { eventually } from '../support/eventually.js';
import { closedPort, scoped } from '../support/faults.js';

const policy: CallPolicy = { requestTimeoutMs: 400, retry: compileRetryPolicy({ maximumAttempts: 4, initialIntervalMs: 20, backoffCoefficient: 2, maximumIntervalMs: 100 }) };

let lab: Lab;
let kube: KubeAdapters;
const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
const ref = (name: string): KubeRef => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'default' });

beforeAll(async () => {
  lab = await startLab({ dir: join(mkdtempSync(join(tmpdir(), 'runbook-faults-')), 'lab'), scenario: 'healthy' });
  kube = await createKubeAdapters({ kubeconfig: lab.kubeconfigPath }, policy);
  await kube.reader.get(ref('warm-up')); // the endpoint has answered: from here on, failures are retried
});
afterAll(async () => lab?.stop());
beforeEach(() => lab.faults.reset());

describe('Kubernetes adapter under injected faults', () => {
  it('503 twice: the read is retried and each retry is reported with the server\'s words', async () => {
    const rule = lab.faults.add({ server: 'kube', method: 'GET', path: /\/configmaps\/a$/, times: 2, fault: { kind: 'status', status: 503, message: 'apiserver is shutting down' } });
    lab.kube.store.create(cm('a', { k: 'v' }));
    const { result, notes } = await scoped(() => kube.reader.get(ref('a')));
    expect((await result)?.data).toEqual({ k: 'v' });
    expect(rule.hits).toBe(2);
    expect(notes.map((n) => [n.call, n.attempt])).toEqual([['get configmap default/a', 2], ['get configmap default/a', 3]]);
    expect(notes[0]!.error).toMatch(/apiserver is shutting down/);
  });

  it('429 with Retry-After: retried after the delay the server asked for (capped by the policy)', async () => {
    lab.faults.add({ server: 'kube', method: 'GET', path: /\/configmaps\/b$/, times: 1, fault: { kind: 'status', status: 429, message: 'Too many requests', retryAfterSeconds: 1 } });
    lab.kube.store.create(cm('b'));
    const { result, notes } = await scoped(() => kube.reader.get(ref('b')));
    expect((await result)?.metadata.name).toBe('b');
    expect(notes.map((n) => n.delayMs)).toEqual([100]); // Retry-After 1 s > the 100 ms ceiling of this policy
  });

  it('501 is not retried: asking again changes nothing', async () => {
    const rule = lab.faults.add({ server: 'kube', method: 'GET', path: /\/configmaps\/c$/, fault: { kind: 'status', status: 501, message: 'not implemented' } });
    const { result, notes } = await scoped(() => kube.reader.get(ref('c')));
    await expect(result).rejects.toThrow(/not implemented/);
    expect([rule.hits, notes.length]).toEqual([1, 0]);
  });

  it('a reset read is retried; a reset create (it may have been done) is not sent again', async () => {
    lab.kube.store.create(cm('d'));
    const read = lab.faults.add({ server: 'kube', method: 'GET', path: /\/configmaps\/d$/, times: 1, fault: { kind: 'reset' } });
    const got = await scoped(() => kube.reader.get(ref('d')));
    expect((await got.result)?.metadata.name).toBe('d');
    expect([read.hits, got.notes.length]).toEqual([1, 1]);
    const create = lab.faults.add({ server: 'kube', method: 'POST', path: /\/configmaps$/, fault: { kind: 'reset' } });
    const made = await scoped(() => kube.writer.create(cm('e')));
    await expect(made.result).rejects.toThrow(/create configmap default\/e: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+ \(ECONNRESET: the server closed the connection\)/);
    expect([create.hits, made.notes.length]).toEqual([1, 0]);
  });

  it('a black-holed PATCH times out per request, is retried as a merge patch may be, and fails within the bound', async () => {
    lab.kube.store.create(cm('f'));
    const rule = lab.faults.add({ server: 'kube', method: 'PATCH', path: /\/configmaps\/f$/, fault: { kind: 'blackhole' } });
    const { result, notes } = await scoped(() => kube.writer.patch(ref('f'), { data: { x: '1' } }, 'merge'));
    await expect(result).rejects.toThrow(/^patch configmap default\/f: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+ \(ETIMEDOUT: no answer within 0\.4 s\)$/);
    expect(rule.hits).toBe(policy.retry.maximumAttempts);
    expect(notes).toHaveLength(policy.retry.maximumAttempts - 1);
  });

  it("retries stop at the running step's deadline: none is started that would sleep past it", async () => {
    lab.kube.store.create(cm('j'));
    const rule = lab.faults.add({ server: 'kube', method: 'GET', path: /\/configmaps\/j$/, fault: { kind: 'status', status: 503 } });
    // Delays would be 20, 40, 80 ms: with 50 ms left, at most the first retry fits.
    const { result, notes } = await scoped(() => kube.reader.get(ref('j')), undefined, { deadline: Date.now() + 50 });
    await expect(result).rejects.toThrow(/injected fault: 503/);
    expect(notes.length).toBeLessThanOrEqual(1);
    expect(rule.hits).toBe(notes.length + 1);
  });

  it("the step's signal ends a request in flight: a black-holed call is not waited on past the step's timeout", async () => {
    lab.kube.store.create(cm('k'));
    const rule = lab.faults.add({ server: 'kube', method: 'GET', path: /\/configmaps\/k$/, fault: { kind: 'blackhole' } });
    const step = new AbortController();
    const notes: unknown[] = [];
    const call = inCallScope({ signal: step.signal, onRetry: (n) => void notes.push(n) }, () => kube.reader.get(ref('k')));
    await eventually(() => rule.hits > 0, 'the rule to be hit');
    const timedOut = new Error('timed out after 100 ms');
    step.abort(timedOut);
    await expect(call).rejects.toBe(timedOut);
    expect([rule.hits, notes.length]).toEqual([1, 0]);
  });

  it('a refused create (the API is down) is sent again: it never left', async () => {
    let outage: { end(): Promise<void> } | undefined = lab.faults.outage('kube');
    const { result, notes } = await scoped(() => kube.writer.create(cm('g')), () => {
      // Back after the first refusal.
      void outage?.end();
      outage = undefined;
    });
    expect((await result).metadata.name).toBe('g');
    expect(notes[0]!.error).toMatch(/ECONNREFUSED/);
    expect(lab.kube.store.get('v1', 'ConfigMap', 'g', 'default')).toBeDefined();
  });

  it('a wait rides out an outage: its re-reads retry until the wait\'s own deadline (issue 11 item 4)', async () => {
    lab.kube.store.create(cm('h'));
    let outage: { end(): Promise<void> } | undefined;
    const waited = scoped(
      () => kube.reader.waitFor(ref('h'), (o) => (o?.data as Record<string, string> | undefined)?.ready === 'yes', { timeoutMs: 20_000 }),
      (all) => {
        // Three refused re-reads later, the object changes and the server comes back.
        if (all.length !== 3 || !outage) return;
        const current = lab.kube.store.get('v1', 'ConfigMap', 'h', 'default')!;
        lab.kube.store.update({ ...current, data: { ready: 'yes' } });
        void outage.end();
        outage = undefined;
      },
    );
    // The wait's watch is open once the server has seen it: then the server goes down.
    const watching = lab.faults.add({ server: 'kube', method: 'GET', path: /\/configmaps$/, fault: { kind: 'latency', ms: 0 } });
    await eventually(() => watching.hits > 0, 'the watch to start');
    outage = lab.faults.outage('kube');
    const { result, notes } = await waited;
    expect(((await result)?.data as Record<string, string>).ready).toBe('yes');
    expect(notes.length).toBeGreaterThanOrEqual(3);
    expect(notes[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('dropped watches are re-established until the condition holds', async () => {
    lab.kube.store.create(cm('i'));
    const drops = lab.faults.add({ server: 'kube', method: 'GET', path: /\/configmaps$/, fault: { kind: 'watch-drop', afterMs: 50 } });
    const waited = kube.reader.waitFor(ref('i'), (o) => (o?.data as Record<string, string> | undefined)?.ready === 'yes', { timeoutMs: 20_000 });
    await eventually(() => drops.hits >= 2, 'two dropped requests');
    const current = lab.kube.store.get('v1', 'ConfigMap', 'i', 'default')!;
    lab.kube.store.update({ ...current, data: { ready: 'yes' } });
    expect(((await waited)?.data as Record<string, string>).ready).toBe('yes');
  });

  it('a server that never answers at all is reported after one request timeout, not retried for minutes', async () => {
    const fresh = await createKubeAdapters({ kubeconfig: lab.kubeconfigPath }, policy);
    // A firewall dropping everything: not even discovery gets an answer.
    const rule = lab.faults.add({ server: 'kube', fault: { kind: 'blackhole' } });
    const { result, notes } = await scoped(() => fresh.reader.get(ref('l')));
    await expect(result).rejects.toThrow(/get configmap default\/l: cannot reach the Kubernetes API at \S+ \(ETIMEDOUT: no answer within 0\.4 s\)/);
    expect([rule.hits, notes.length]).toEqual([1, 0]);
  });

  it('a server that never answered is reported at once, naming it, without retries', async () => {
    const closed = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'runbook-faults-kc-'));
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, readFileSync(lab.kubeconfigPath, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${closed}`));
    const dead = await createKubeAdapters({ kubeconfig: file }, policy);
    const { result, notes } = await scoped(() => dead.reader.get(ref('a')));
    await expect(result).rejects.toThrow(`get configmap default/a: cannot reach the Kubernetes API at https://127.0.0.1:${closed} (ECONNREFUSED)`);
    expect(notes).toEqual([]);
  });
});
