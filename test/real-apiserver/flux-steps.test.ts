// The Flux steps against a real kube-apiserver serving the HelmRelease and Kustomization CRDs
// (no Flux controllers run there): suspend/resume and the reconcile request annotations land
// on the objects exactly as `flux suspend` / `flux reconcile --force --reset` write them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../support/in-process.js';
import { startRealApiserver, type RealApiserver } from '../support/real-apiserver.js';
import { bootstrapLikeLab } from '../support/real-apiserver/bootstrap.js';

let api: RealApiserver;

function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, api.url), { method, ca: api.caPem, headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const HR = '/apis/helm.toolkit.fluxcd.io/v2/namespaces/metallb-system/helmreleases';

beforeAll(async () => {
  api = await startRealApiserver();
  await bootstrapLikeLab(api); // the Flux CRDs, established
  expect((await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'metallb-system' } })).status).toBe(201);
  const hr = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'metallb', namespace: 'metallb-system' }, spec: { interval: '30m', chart: { spec: { chart: 'metallb', version: '0.14.8', sourceRef: { kind: 'HelmRepository', name: 'metallb', namespace: 'flux-system' } } } } };
  expect((await call('POST', HR, hr)).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

describe('flux steps on a real apiserver', () => {
  it('a forced and reset reconcile request, suspend, then resume: the fields Flux reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flux-real-'));
    const file = join(dir, 'flux-poke.yaml');
    writeFileSync(file, `apiVersion: runbook.dev/v1
name: flux-poke
description: request a forced reconcile, then suspend
steps:
  - { id: poke, uses: flux.reconcile, with: { kind: HelmRelease, namespace: metallb-system, name: metallb, force: true, reset: true, wait: false } }
  - { id: suspend, uses: flux.suspend, needs: [poke], with: { kind: HelmRelease, namespace: metallb-system, name: metallb } }
`);
    const ok = await runMain(['--state-dir', join(dir, 'state'), 'run', file, '--yes'], { env: { KUBECONFIG: api.kubeconfigPath } });
    expect(ok.stdout.slice(-300)).toMatch(/succeeded/);
    expect(ok.code).toBe(0);
    const hr = (await call('GET', `${HR}/metallb`)).body as { metadata: { annotations: Record<string, string>; generation: number }; spec: { suspend?: boolean } };
    const a = hr.metadata.annotations;
    expect(a['reconcile.fluxcd.io/requestedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(a['reconcile.fluxcd.io/forceAt']).toBe(a['reconcile.fluxcd.io/requestedAt']);
    expect(a['reconcile.fluxcd.io/resetAt']).toBe(a['reconcile.fluxcd.io/requestedAt']);
    expect(hr.spec.suspend).toBe(true);

    // And resume puts it back in Flux's hands.
    writeFileSync(file, `apiVersion: runbook.dev/v1
name: flux-poke
description: resume
steps:
  - { id: resume, uses: flux.resume, with: { kind: HelmRelease, namespace: metallb-system, name: metallb } }
`);
    expect((await runMain(['--state-dir', join(dir, 'state'), 'run', file, '--yes'], { env: { KUBECONFIG: api.kubeconfigPath } })).code).toBe(0);
    expect(((await call('GET', `${HR}/metallb`)).body as { spec: { suspend?: boolean } }).spec.suspend ?? false).toBe(false);
  });
});
