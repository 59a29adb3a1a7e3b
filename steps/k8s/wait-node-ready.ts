// k8s.wait-node-ready: wait (with a watch) until a node is Ready and, optionally, reports at
// least the memory capacity we just gave its VM (the proof that ballooning is really off) and
// a bootID other than the one before its reboot (`rebootedFrom`, proxmox.reboot-vm's output):
// a rebooting node keeps its old Ready=True and capacity until the grace period runs out
// (boot-id.ts), so Ready alone would let a rolling fix move on while this node still boots.
import { z } from '../../src/zod.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { duration, nodeName } from '../schemas.js';
import { isNodeReady, nodeRef } from '../../src/kube-facts.js';
import { bootedSince, nodeBootID } from './boot-id.js';
import { kube } from './permissions.js';
import { parseQuantity } from '../../src/kube-quantity.js';

const params = z
  .object({
    node: nodeName,
    timeout: duration.default(10 * 60_000),
    minMemoryMiB: z.number().int().positive().optional(),
    /** the node's bootID before its reboot; null or absent: it was not rebooted */
    rebootedFrom: z.string().nullable().optional(),
  })
  .strict();
type Params = z.output<typeof params>;

function memoryMiB(node: KubeObject | undefined): number {
  const cap = (node?.status as { capacity?: { memory?: string } } | undefined)?.capacity?.memory;
  return cap ? parseQuantity(cap) / 2 ** 20 : 0;
}

function satisfied(node: KubeObject | undefined, p: Params): boolean {
  return isNodeReady(node) && (p.minMemoryMiB === undefined || memoryMiB(node) >= p.minMemoryMiB * 0.9) && bootedSince(node, p.rebootedFrom);
}

export const k8sWaitNodeReady = defineStep({
  type: 'k8s.wait-node-ready',
  description: 'Waits until a node is Ready (with at least minMemoryMiB of memory capacity, and a new boot id after a reboot).',
  params,
  outputs: z.object({ memoryMiB: z.number() }),
  uses: ['kube'],
  destructive: false,
  permissions: [kube('nodes', ['get', 'watch'])], // waitFor: a get, then a watch (no list)
  async plan({ params }) {
    return [{ op: 'noop', target: `node/${params.node}`, summary: `wait until ${typeof params.rebootedFrom === 'string' ? 'rebooted and ' : ''}Ready${params.minMemoryMiB ? ` with >= ${params.minMemoryMiB} MiB` : ''}` }];
  },
  async apply({ params, adapters, signal }) {
    // 10% slack: capacity is the guest kernel's MemTotal, which is under the VM's memory by what
    // firmware and the kernel keep (about 5% on a 2 GiB VM); a ballooned VM reports far less.
    const node = await adapters.kube.waitFor(nodeRef(params.node), (n) => satisfied(n, params), { timeoutMs: params.timeout, signal });
    return { outputs: { memoryMiB: Math.round(memoryMiB(node)) } };
  },
  async verify({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    const boot = typeof params.rebootedFrom === 'string' ? `, boot ${nodeBootID(node) || 'unknown'}` : '';
    return [{ ok: satisfied(node, params), message: `node ${params.node} Ready with ${Math.round(memoryMiB(node))} MiB${boot}` }];
  },
});
