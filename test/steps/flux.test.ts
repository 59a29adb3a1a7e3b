// flux.wait-ready through the engine against the lab API server; the test plays
// helm-controller by writing the HelmRelease/Kustomization status.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AdapterProvider } from '../../src/engine/adapters.js';
import { HEAD, adapters, outputsOf, run, startKubeLab } from './fixture.js';
import type { KubeLab } from './fixture.js';

let lab: KubeLab;
let provider: AdapterProvider;

const HR = 'helm.toolkit.fluxcd.io/v2';
const ready = (status: string, reason: string, message: string) => ({ type: 'Ready', status, reason, message });

beforeAll(async () => {
  lab = await startKubeLab();
  provider = adapters({ kube: lab });
  lab.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'metallb-system' } });
  lab.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
});
afterAll(async () => {
  await lab.stop();
});

function seedRelease(name: string, status: Record<string, unknown>, spec: Record<string, unknown> = {}) {
  lab.store.create({ apiVersion: HR, kind: 'HelmRelease', metadata: { name, namespace: 'metallb-system' }, spec: { interval: '10m', chart: { spec: { chart: 'metallb' } }, ...spec } });
  lab.store.mutate(HR, 'HelmRelease', name, 'metallb-system', (o) => {
    o.status = status;
  });
}

const waitYaml = (name: string, timeout: string) => `${HEAD}steps:
  - { id: wait, uses: flux.wait-ready, with: { kind: HelmRelease, namespace: metallb-system, name: ${name}, timeout: ${timeout} } }
`;

describe('flux.wait-ready', () => {
  test('waits until Ready=True for the current generation and outputs the reason', async () => {
    seedRelease('hr1', { observedGeneration: 1, conditions: [ready('False', 'InstallFailed', 'timed out waiting for the condition')] });
    setTimeout(() => lab.store.mutate(HR, 'HelmRelease', 'hr1', 'metallb-system', (o) => {
      o.status = { observedGeneration: 1, conditions: [ready('True', 'InstallSucceeded', 'Helm install succeeded for release metallb-system/metallb.v1')] };
    }), 200);
    const out = await run(waitYaml('hr1', '20s'), provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'wait')).toEqual({ reason: 'InstallSucceeded', message: 'Helm install succeeded for release metallb-system/metallb.v1' });
  });

  test('Ready=True for an older generation is not ready; the failure says so with reason and message', async () => {
    seedRelease('hr2', {});
    lab.store.mutate(HR, 'HelmRelease', 'hr2', 'metallb-system', (o) => {
      (o.spec as Record<string, unknown>).interval = '5m'; // generation 2
      o.status = { observedGeneration: 1, conditions: [ready('True', 'UpgradeSucceeded', 'Helm upgrade succeeded')] };
    });
    const out = await run(waitYaml('hr2', '400ms'), provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain('HelmRelease metallb-system/hr2 not Ready: Ready True (UpgradeSucceeded): Helm upgrade succeeded; generation 2 not observed yet (observed 1)');
  });

  test('times out with the Ready reason and message of a failing release', async () => {
    seedRelease('hr3', { observedGeneration: 1, conditions: [ready('False', 'UpgradeFailed', 'context deadline exceeded')] });
    const out = await run(waitYaml('hr3', '300ms'), provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain('Ready False (UpgradeFailed): context deadline exceeded');
  });

  test('Stalled=True (retries exhausted) fails at once instead of waiting out the timeout', async () => {
    seedRelease('hr4', { observedGeneration: 1, conditions: [ready('False', 'RetriesExceeded', 'upgrade retries exhausted'), { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: 'Failed to upgrade after 3 attempts' }] });
    const out = await run(waitYaml('hr4', '10m'), provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain('is stalled (RetriesExceeded): Failed to upgrade after 3 attempts; Ready False (RetriesExceeded): upgrade retries exhausted');
  });

  test('a suspended or missing release fails preflight', async () => {
    seedRelease('hr5', { observedGeneration: 1, conditions: [ready('True', 'x', 'y')] }, { suspend: true });
    const suspended = await run(waitYaml('hr5', '1s'), provider);
    expect(suspended.status).toBe('preflight-failed');
    expect(JSON.stringify(suspended.preflight.results)).toContain('is suspended');
    const missing = await run(waitYaml('nope', '1s'), provider);
    expect(missing.status).toBe('preflight-failed');
    expect(JSON.stringify(missing.preflight.results)).toContain('HelmRelease metallb-system/nope not found');
  });

  test('Kustomizations are waited for the same way', async () => {
    lab.store.create({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'infra', namespace: 'flux-system' }, spec: { path: './infra' } });
    lab.store.mutate('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'infra', 'flux-system', (o) => {
      o.status = { observedGeneration: 1, conditions: [ready('True', 'ReconciliationSucceeded', 'Applied revision: main@sha1:abc')] };
    });
    const out = await run(`${HEAD}steps:
  - { id: wait, uses: flux.wait-ready, with: { kind: Kustomization, name: infra, timeout: 5s } }
`, provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'wait')).toMatchObject({ reason: 'ReconciliationSucceeded' });
  });
});
