// A node's boot id: the kubelet reports the guest kernel's /proc/sys/kernel/random/boot_id as
// status.nodeInfo.bootID, new at every boot. During a reboot the Node keeps its old status
// (Ready=True, old capacity, old bootID) until the kubelet posts again or the grace period
// runs out, so only a changed bootID proves the node has rebooted.
import type { KubeObject } from '../../src/adapters/ports.js';

export function nodeBootID(node: KubeObject | undefined): string {
  return (node?.status as { nodeInfo?: { bootID?: string } } | undefined)?.nodeInfo?.bootID ?? '';
}

/** `before` is the bootID read before the reboot; null: the node was not rebooted. */
export function bootedSince(node: KubeObject | undefined, before: string | null | undefined): boolean {
  if (before === null || before === undefined) return true;
  const now = nodeBootID(node);
  return now !== '' && now !== before;
}
