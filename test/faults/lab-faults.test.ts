// The lab's fault switchboard itself, through plain HTTPS: what each fault looks like on the
// wire, how rules are counted and spent, chained, and lifted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLab } from '../../src/lab/lab.js';
import type { Lab } from '../../src/lab/lab.js';

let lab: Lab;
let agent: Agent;
let token: string;

beforeAll(async () => {
  lab = await startLab({ dir: join(mkdtempSync(join(tmpdir(), 'runbook-lab-faults-')), 'lab'), scenario: 'healthy' });
  agent = new Agent({ connect: { ca: lab.caPem }, pipelining: 0 });
  token = /token: (\S+)/.exec((await import('node:fs')).readFileSync(lab.kubeconfigPath, 'utf8'))![1]!;
});
afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});
beforeEach(() => lab.faults.reset());

const kube = (path: string, init: { method?: string } = {}) => fetch(`${lab.kube.url}${path}`, { ...init, dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
const pve = (path: string) => fetch(`${lab.proxmox.url}/api2/json${path}`, { dispatcher: agent, headers: { authorization: `PVEAPIToken=${lab.proxmox.tokenId}=${lab.proxmox.tokenSecret}` } });

describe('lab faults', () => {
  it('a status fault answers as each server does: a Kubernetes Status with Retry-After, a bare PVE status line', async () => {
    lab.faults.add({ server: 'kube', method: 'GET', path: /^\/api\/v1\/namespaces$/, fault: { kind: 'status', status: 429, message: 'Too many requests, please try again later.', retryAfterSeconds: 1 } });
    const k = await kube('/api/v1/namespaces');
    expect([k.status, k.headers.get('retry-after')]).toEqual([429, '1']);
    expect(await k.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests, please try again later.', code: 429 });
    lab.faults.add({ server: 'proxmox', path: /^\/api2\/json\/version$/, fault: { kind: 'status', status: 503, message: 'Service Unavailable' } });
    const p = await pve('/version');
    expect([p.status, p.statusText, await p.text()]).toEqual([503, 'Service Unavailable', '']);
  });

  it('a rule applies to its method and path only, `times` times, and counts its hits', async () => {
    const rule = lab.faults.add({ server: 'kube', method: 'GET', path: /^\/api\/v1\/namespaces$/, times: 2, fault: { kind: 'status', status: 503 } });
    expect((await kube('/api/v1/nodes')).status).toBe(200);
    expect((await kube('/api/v1/namespaces', { method: 'POST' })).status).not.toBe(503);
    expect([(await kube('/api/v1/namespaces')).status, (await kube('/api/v1/namespaces')).status, (await kube('/api/v1/namespaces')).status]).toEqual([503, 503, 200]);
    expect(rule.hits).toBe(2);
  });

  it('a fault that answers ends the request: rules after it are neither applied nor counted', async () => {
    const answered = lab.faults.add({ server: 'kube', path: /^\/version$/, times: 1, fault: { kind: 'status', status: 503 } });
    const later = lab.faults.add({ server: 'kube', path: /^\/version$/, fault: { kind: 'latency', ms: 0 } });
    expect((await kube('/version')).status).toBe(503);
    expect([answered.hits, later.hits]).toEqual([1, 0]);
    expect((await kube('/version')).status).toBe(200);
    expect(later.hits).toBe(1);
  });

  it('a chained rule starts when its parent first fires; reset lifts both', async () => {
    lab.faults.add({ server: 'proxmox', path: /^\/api2\/json\/version$/, times: 1, fault: { kind: 'latency', ms: 0 }, then: { server: 'kube', path: /^\/version$/, fault: { kind: 'status', status: 500 } } });
    expect((await kube('/version')).status).toBe(200);
    expect((await pve('/version')).status).toBe(200);
    expect((await kube('/version')).status).toBe(500);
    await lab.faults.reset();
    expect((await kube('/version')).status).toBe(200);
  });

  it('watch-drop applies to watches only, ending them; reset and black holes cut or keep the connection', async () => {
    const drop = lab.faults.add({ server: 'kube', path: /^\/api\/v1\/namespaces$/, fault: { kind: 'watch-drop', afterMs: 50 } });
    expect((await kube('/api/v1/namespaces')).status).toBe(200);
    expect(drop.hits).toBe(0);
    const watch = await kube('/api/v1/namespaces?watch=true');
    await expect(watch.text()).rejects.toThrow(); // cut mid-stream, not a clean end
    expect(drop.hits).toBe(1);
    lab.faults.add({ server: 'kube', path: /^\/livez$/, fault: { kind: 'reset' } });
    await expect(kube('/livez')).rejects.toThrow(/fetch failed/);
    lab.faults.add({ server: 'kube', path: /^\/readyz$/, fault: { kind: 'blackhole' } });
    await expect(fetch(`${lab.kube.url}/readyz`, { dispatcher: agent, signal: AbortSignal.timeout(300) })).rejects.toThrow(/aborted|timeout/i);
  });

  it('an outage really stops listening (connection refused) until it ends', async () => {
    const outage = lab.faults.outage('kube');
    const refused = await kube('/version').then(() => undefined, (e: Error & { cause?: { code?: string } }) => e.cause?.code);
    expect(refused).toBe('ECONNREFUSED');
    await outage.end();
    expect((await kube('/version')).status).toBe(200);
  });
});
