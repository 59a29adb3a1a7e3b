// The inventory: which Proxmox VM backs which Kubernetes node. By default a node is the VM of
// the same name (found through /cluster/resources); a file maps the exceptions:
//
//   nodes:
//     k3s-server-0: { vmid: 101 }            # the VM is named differently
//     worker-7:     { vmid: 214, node: pve2 }
//
// Applied as a view over listVms(): a mapped VM is listed under its Kubernetes node's name,
// so every step keeps finding VMs by node name; knownVm() names the mapped VM even when
// /cluster/resources does not list it (no VM.Audit on it, or it is gone).
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { z } from '../../zod.js';
import { RunbookError } from '../../errors.js';
import type { ProxmoxReader, ProxmoxVmSummary, ProxmoxWriter } from '../ports.js';

const schema = z.object({ nodes: z.record(z.string(), z.object({ vmid: z.number().int().positive(), node: z.string().optional() }).strict()) }).strict();
export type Inventory = z.infer<typeof schema>;

export function loadInventory(file: string): Inventory {
  let raw: unknown;
  try {
    raw = load(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RunbookError('E_INVENTORY', `cannot read inventory ${file}: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RunbookError('E_INVENTORY', `${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`, { hint: 'see examples/inventory.yaml' });
  }
  return parsed.data;
}

export function mapVms(vms: readonly ProxmoxVmSummary[], inventory: Inventory): ProxmoxVmSummary[] {
  const byVmid = new Map(Object.entries(inventory.nodes).map(([k8sName, e]) => [e.vmid, { k8sName, node: e.node }]));
  const mappedNames = new Set([...byVmid.values()].map((e) => e.k8sName));
  return vms.flatMap((vm) => {
    const entry = byVmid.get(vm.vmid);
    if (entry && (!entry.node || entry.node === vm.node)) return [{ ...vm, name: entry.k8sName }];
    // A VM that merely shares a mapped node's name is not that node.
    return mappedNames.has(vm.name) ? [] : [vm];
  });
}

export function withInventory<T extends ProxmoxReader | ProxmoxWriter>(inner: T, inventory: Inventory): T {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'listVms') return async () => mapVms(await target.listVms(), inventory);
      if (prop === 'knownVm') return (nodeName: string) => (Object.hasOwn(inventory.nodes, nodeName) ? inventory.nodes[nodeName] : undefined);
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
