// k8s.wait-node-ready: wait (with a watch) until a node is Ready and, optionally, reports at
// least the memory capacity we just gave its VM (the proof that ballooning is really off).
import { z } from 'zod';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/engine/define-step.js';
import { duration, nodeName } from '../schemas.js';
import { isNodeReady, nodeRef } from '../../src/kube-facts.js';
import { kube } from './permissions.js';
import { parseQuantity } from '../../src/kube-quantity.js';

const params = z.object({ node: nodeName, timeout: duration.default(10 * 60_000), minMemoryMiB: z.number().int().positive().optional() }).strict();

function memoryMiB(node: KubeObject | undefined): number {
  const cap = (node?.status as { capacity?: { memory?: string } } | undefined)?.capacity?.memory;
  return cap ? parseQuantity(cap) / 2 ** 20 : 0;
}

function satisfied(node: KubeObject | undefined, min: number | undefined): boolean {
  return isNodeReady(node) && (min === undefined || memoryMiB(node) >= min * 0.9);
}

export const k8sWaitNodeReady = defineStep({
  type: 'k8s.wait-node-ready',
  description: 'Waits until a node is Ready (and reports at least minMemoryMiB of memory capacity).',
  params,
  outputs: z.object({ memoryMiB: z.number() }),
  uses: ['kube'],
  destructive: false,
  permissions: [kube('nodes', ['get', 'watch'])], // waitFor: a get, then a watch (no list)
  async plan({ params }) {
    return [{ op: 'noop', target: `node/${params.node}`, summary: `wait until Ready${params.minMemoryMiB ? ` with >= ${params.minMemoryMiB} MiB` : ''}` }];
  },
  async apply({ params, adapters, signal }) {
    // 10% slack: capacity is the guest kernel's MemTotal, which is under the VM's memory by what
    // firmware and the kernel keep (about 5% on a 2 GiB VM); a ballooned VM reports far less.
    const node = await adapters.kube.waitFor(nodeRef(params.node), (n) => satisfied(n, params.minMemoryMiB), { timeoutMs: params.timeout, signal });
    return { outputs: { memoryMiB: Math.round(memoryMiB(node)) } };
  },
  async verify({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    return [{ ok: satisfied(node, params.minMemoryMiB), message: `node ${params.node} Ready with ${Math.round(memoryMiB(node))} MiB` }];
  },
});
