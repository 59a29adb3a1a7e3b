// Nodes as API objects (no kubelet runs against the real apiserver): the test writes what a
// kubelet would post.
import { randomUUID } from 'node:crypto';
import type { Admin } from './admin.js';

/** The Ready condition a healthy kubelet posts. */
export const READY = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' };

/** The labels k3s puts on a server (control-plane) node. */
export const SERVER_LABELS = { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' };

/** A boot id as the kubelet reports it (the guest's /proc/sys/kernel/random/boot_id). */
export function bootID(): string {
  return randomUUID();
}

/** Creates Node `name` and posts its status: Ready, with `memoryMiB` of memory, 2 CPUs, 110 pods, a boot id. */
export async function seedReadyNode(admin: Admin, name: string, o: { labels: Record<string, string>; memoryMiB: number }): Promise<void> {
  await admin.must('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: o.labels } });
  await admin.must('PATCH', `/api/v1/nodes/${name}/status`, { status: { capacity: { memory: `${o.memoryMiB}Mi`, cpu: '2', pods: '110' }, conditions: [READY], nodeInfo: { bootID: bootID() } } }, 'application/merge-patch+json');
}
