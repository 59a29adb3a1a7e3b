// Reads everything the checks need, once: one (paginated) list per resource type, the
// apiserver's readiness, and from Proxmox one VM list, the config of each VM backing a node
// and the status of each PVE node. Nothing is read per object but the VM configs (memory
// ballooning is only in the config), and those at most PVE_IN_FLIGHT at a time, over the
// client's keep-alive connections: fired all at once they opened one TLS connection each.
import type { KubeObject, KubeReader, ProxmoxReader } from '../adapters/ports.js';
import { Semaphore } from '../engine/semaphore.js';
import { ApiError } from '../errors.js';
import { scanGitops } from './gitops-scan.js';
import { vmsByName } from './inventory.js';
import { RESOURCES, type ResourceKey } from './resources.js';
import type { ProxmoxSnapshot, ResolvedOptions, Snapshot } from './types.js';

interface Gaps {
  unavailable: string[];
  forbidden: string[];
}

async function listOrEmpty(kube: KubeReader, key: ResourceKey, gaps: Gaps): Promise<KubeObject[]> {
  try {
    return await kube.list(RESOURCES[key]);
  } catch (e) {
    // A cluster without Flux has no HelmRelease type: that is not a failure of the diagnosis.
    if (e instanceof ApiError && e.kind === 'not-found') {
      gaps.unavailable.push(`${RESOURCES[key].kind} (${e.kind})`);
      return [];
    }
    // Not allowed to look is different: the diagnosis goes on, but blind there (read.gaps says so).
    if (e instanceof ApiError && e.kind === 'forbidden') {
      gaps.forbidden.push(e.message);
      return [];
    }
    throw e;
  }
}

/** What kubectl keeps in flight against one server (8 connections for 2,522 requests), as the Proxmox client's PVE_CONNECTIONS. */
const PVE_IN_FLIGHT = 8;

function bounded(limit: number): <T>(read: () => Promise<T>) => Promise<T> {
  const slots = new Semaphore(limit);
  return async (read) => {
    const release = await slots.acquire();
    try {
      return await read();
    } finally {
      release();
    }
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function readProxmox(proxmox: ProxmoxReader, nodes: readonly KubeObject[]): Promise<ProxmoxSnapshot> {
  const snap: ProxmoxSnapshot = { vms: [], configs: new Map(), hosts: new Map(), errors: [], vmsGone: new Map() };
  try {
    snap.vms = await proxmox.listVms();
  } catch (e) {
    const m = message(e);
    snap.errors.push(m.startsWith('list VMs') ? m : `list VMs: ${m}`);
    return snap;
  }
  const byName = vmsByName(snap.vms);
  const backing = nodes.map((n) => byName.get(n.metadata.name)).filter((vm) => vm !== undefined);
  const hosts = [...new Set(snap.vms.map((vm) => vm.node))];
  // Not listed is not absent (VM.Audit filters the list): the inventory's VM is asked directly,
  // so a refusal is a read gap in PVE's words; "does not exist" is the VM really gone.
  const unlisted = nodes.flatMap((n) => {
    const k = proxmox.knownVm?.(n.metadata.name);
    return k?.node !== undefined && !snap.vms.some((vm) => vm.vmid === k.vmid) ? [{ vmid: k.vmid, node: k.node, name: n.metadata.name }] : [];
  });
  const inFlight = bounded(PVE_IN_FLIGHT);
  await Promise.all([
    ...unlisted.map(async (k) => {
      try {
        await inFlight(() => proxmox.getVmConfig(k.node, k.vmid));
      } catch (e) {
        if (e instanceof ApiError && e.kind === 'not-found') snap.vmsGone.set(k.name, { vmid: k.vmid, node: k.node, message: message(e) });
        else snap.errors.push(`config of VM ${k.vmid}: ${message(e)}`);
      }
    }),
    ...backing.map(async (vm) => {
      try {
        snap.configs.set(vm.vmid, await inFlight(() => proxmox.getVmConfig(vm.node, vm.vmid)));
      } catch (e) {
        snap.errors.push(`config of VM ${vm.vmid}: ${message(e)}`);
      }
    }),
    ...hosts.map(async (host) => {
      try {
        snap.hosts.set(host, await inFlight(() => proxmox.getNodeStatus(host)));
      } catch (e) {
        snap.errors.push(`status of PVE node ${host}: ${message(e)}`);
      }
    }),
  ]);
  return snap;
}

export async function readSnapshot(readers: { kube: KubeReader; proxmox?: ProxmoxReader }, opts: ResolvedOptions): Promise<Snapshot> {
  const gaps: Gaps = { unavailable: [], forbidden: [] };
  const keys = (Object.keys(RESOURCES) as ResourceKey[]).filter((k) => k !== 'nodes');
  const ready = readers.kube.ready();
  // Nodes first, alone: the client caches API discovery per group-version, and lists started
  // together would each discover the core group again (5 requests instead of 1).
  const nodes = await listOrEmpty(readers.kube, 'nodes', gaps);
  const [apiReady, gitops, ...lists] = await Promise.all([
    ready,
    opts.gitopsDir ? scanGitops(opts.gitopsDir) : Promise.resolve([]),
    ...keys.map((k) => listOrEmpty(readers.kube, k, gaps)),
  ]);
  const by = { nodes, ...Object.fromEntries(keys.map((k, i) => [k, lists[i] ?? []])) } as Record<ResourceKey, KubeObject[]>;
  const snap: Snapshot = { now: opts.now, apiReady, ...by, unavailable: gaps.unavailable, gitops, ...(gaps.forbidden.length ? { forbidden: gaps.forbidden } : {}) };
  if (readers.proxmox) snap.proxmox = await readProxmox(readers.proxmox, by.nodes);
  return snap;
}
