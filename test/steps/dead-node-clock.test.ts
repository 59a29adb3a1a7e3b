// doctor's dead-node check and purge-dead-node's preflight read one clock (kube-facts
// notReadyForMs): a node whose kubelet went silent 30 minutes ago but whose Ready condition
// flipped to Unknown only a minute ago (a controller restart) is dead for both. Doctor used to
// propose the purge and the preflight refused it ("NotReady for 1m, less than 5m").
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deadNodes } from '../../src/diagnose/checks/dead-nodes.js';
import { options, snapshot } from '../diagnose/fixtures.js';
import { HEAD, adapters, plan, startKubeLab, startProxmoxLab } from './fixture.js';
import type { KubeLab, ProxmoxLab } from './fixture.js';

let lab: KubeLab;
let pve: ProxmoxLab;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const MIN = 60_000;

beforeAll(async () => {
  lab = await startKubeLab();
  // w-1's VM is stopped: the purge's VM evidence holds, the clock is what this test is about.
  pve = await startProxmoxLab({ nodes: [{ name: 'pve1', memoryMiB: 8192, cpus: 4 }], vms: [{ vmid: 101, name: 'w-1', node: 'pve1', memory: 2048, status: 'stopped' }] });
  const ready = { type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: ago(60 * MIN), lastHeartbeatTime: ago(0) };
  lab.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'cp-1', labels: { 'node-role.kubernetes.io/control-plane': 'true' } }, spec: {}, status: { conditions: [ready] } });
  const silent = { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: ago(1 * MIN), lastHeartbeatTime: ago(30 * MIN) };
  lab.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'w-1', labels: {} }, spec: {}, status: { conditions: [silent] } });
});
afterAll(async () => {
  await lab.stop();
  await pve.stop();
});

describe('one not-Ready clock for doctor and the purge preflight', () => {
  test('both count from the last heartbeat of a silent kubelet', async () => {
    const nodes = (await lab.kube.reader.list({ apiVersion: 'v1', kind: 'Node' }));
    const findings = deadNodes({ snap: snapshot({ now: Date.now(), nodes }), opts: options({ notReadyThresholdMs: 5 * MIN }) });
    expect(findings.map((f) => [f.id, f.fix?.runbook])).toEqual([['dead-node:w-1', 'purge-dead-node']]);

    const out = await plan(`${HEAD}preflight:\n  - { id: dead, uses: k8s.assert-node-dead, with: { node: w-1, minNotReady: 5m } }\nsteps:\n  - { id: s, uses: core.wait, with: { duration: 0 } }\n`, adapters({ kube: lab, proxmox: pve }));
    expect(out.preflight.results.map((r) => [r.ok, r.message])[0]).toEqual([true, expect.stringMatching(/^node w-1 NotReady for 30m(\d|$)/)]);
    expect(out.preflight.ok).toBe(true);
  });
});
