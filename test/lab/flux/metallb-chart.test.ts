// What the lab's metallb chart renders, per chart version (metallb/metallb charts/metallb at
// v0.14.8 and v0.16.0, frr-k8s subchart 0.0.25): FRR in the speaker pods up to 0.15, in the
// frr-k8s DaemonSet from 0.16 (its defaults), explicit values winning over the defaults.
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../../src/lab/flux/helm-values.js';
import { frrMode } from '../../../src/metallb-chart.js';

const LIMITS = { limits: { memory: '128Mi' } };
const VALUES = { speaker: { frr: { resources: LIMITS }, reloader: { resources: LIMITS } }, 'frr-k8s': { frrk8s: { frr: { resources: LIMITS } } } };
const rendered = (version: string, values: Record<string, unknown>) =>
  renderChart('metallb', version, values, 'metallb-system').map((w) => ({ component: w.labels['app.kubernetes.io/component'], resources: w.resources, mustLimitMemory: w.mustLimitMemory }));

describe('the metallb chart in the lab', () => {
  it('0.14.8 renders FRR, reloader and metrics into the speaker pods from speaker.*', () => {
    expect(rendered('0.14.8', VALUES)).toEqual([
      { component: 'speaker', resources: { speaker: undefined, frr: LIMITS, reloader: LIMITS, 'frr-metrics': undefined }, mustLimitMemory: ['frr'] },
    ]);
  });

  it('0.16.0 renders a speaker without FRR and the frr-k8s DaemonSet from frr-k8s.frrk8s.*; speaker.frr is ignored', () => {
    expect(rendered('0.16.0', VALUES)).toEqual([
      { component: 'speaker', resources: { speaker: undefined }, mustLimitMemory: [] },
      { component: 'frr-k8s', resources: { controller: undefined, frr: LIMITS, reloader: undefined, 'frr-metrics': undefined, 'frr-status': undefined }, mustLimitMemory: ['frr'] },
    ]);
  });

  it('explicit values win over the version defaults; a range with no say is unknown', () => {
    expect(frrMode('0.16.1', { frrk8s: { enabled: false }, speaker: { frr: { enabled: true } } })).toBe('frr');
    expect(frrMode('0.14.8', { frrk8s: { enabled: true } })).toBe('frr-k8s');
    expect(frrMode('0.16.0', { frrk8s: { enabled: false } })).toBe('native');
    expect(frrMode('0.16.x', {})).toBeUndefined();
  });
});
