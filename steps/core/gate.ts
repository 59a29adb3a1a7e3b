// core.gate: a health gate between rolling batches (`gate:` of a forEach): polls until the API
// server's /readyz is ok and every control-plane node is Ready (optionally every node), or
// fails with what is still unhealthy when the timeout runs out. Changes nothing.
import { z } from '../../src/zod.js';
import type { KubeReader } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { sleep } from '../../src/engine/retry.js';
import { formatDuration } from '../../src/runbook/duration.js';
import { NODE, isControlPlane, isNodeReady } from '../../src/kube-facts.js';
import { kube } from '../k8s/permissions.js';
import { duration } from '../schemas.js';

// A gate between batches holds the whole rollout: at 5 s it noticed a healthy cluster up to 5 s
// late per batch. Two small reads per second (/readyz, the node list) cost the API server little.
const GATE_POLL_MS = 1_000;

const params = z
  .object({ timeout: duration.default(5 * 60_000), interval: duration.default(GATE_POLL_MS), requireAllNodesReady: z.boolean().default(false) })
  .strict();

export interface Health {
  ok: boolean;
  problems: string[];
  controlPlane: number;
}

export async function clusterHealth(kubeReader: KubeReader, requireAllNodesReady: boolean): Promise<Health> {
  const problems: string[] = [];
  const apiReady = await kubeReader.ready().catch(() => false);
  if (!apiReady) problems.push('API server /readyz is not ok');
  const nodes = apiReady ? await kubeReader.list(NODE) : [];
  const controlPlane = nodes.filter(isControlPlane);
  if (apiReady && !controlPlane.length) problems.push('no control-plane node found (label node-role.kubernetes.io/control-plane or master)');
  const mustBeReady = requireAllNodesReady ? nodes : controlPlane;
  const notReady = mustBeReady.filter((n) => !isNodeReady(n)).map((n) => n.metadata.name);
  if (notReady.length) problems.push(`not Ready: ${notReady.join(', ')}`);
  return { ok: problems.length === 0, problems, controlPlane: controlPlane.length };
}

export const coreGate = defineStep({
  type: 'core.gate',
  description: 'Health gate: waits until /readyz is ok and all control-plane nodes (or all nodes) are Ready.',
  params,
  outputs: z.object({ controlPlaneNodes: z.number() }),
  uses: ['kube'],
  destructive: false,
  permissions: [kube('nodes', ['list'])],
  async plan({ params }) {
    return [{ op: 'noop', target: 'cluster', summary: `check /readyz and that ${params.requireAllNodesReady ? 'every node' : 'every control-plane node'} is Ready (up to ${formatDuration(params.timeout)})` }];
  },
  async apply({ params, adapters, signal, log }) {
    const deadline = Date.now() + params.timeout;
    for (;;) {
      const health = await clusterHealth(adapters.kube, params.requireAllNodesReady);
      if (health.ok) return { outputs: { controlPlaneNodes: health.controlPlane } };
      if (Date.now() + params.interval > deadline) throw new Error(`cluster not healthy after ${formatDuration(params.timeout)}: ${health.problems.join('; ')}`);
      log(`waiting: ${health.problems.join('; ')}`);
      await sleep(params.interval, signal);
    }
  },
});
