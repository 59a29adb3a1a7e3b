// Status numbers of VMs and nodes, as qemu-server PVE/QemuServer.pm vmstatus() and
// pve-manager PVE/API2Tools.pm extract_vm_stats / extract_node_stats report them.
// The simulator has no guest memory model: a running VM's `mem` is the memory the guest has
// (its effective memory), and a node's used memory is the sum of its running VMs'.
import { parseMemory } from './qemu-schema.js';
import type { ProxmoxState, SimVm } from './state.js';

const MiB = 1024 * 1024;

function uptimeSeconds(vm: SimVm): number {
  return vm.status === 'running' && vm.uptimeStartedAt !== undefined ? Math.max(0, Math.floor((Date.now() - vm.uptimeStartedAt) / 1000)) : 0;
}

function memoryMiB(vm: SimVm): number {
  return parseMemory(vm.config.memory ?? 512) ?? 512;
}

function cpus(state: ProxmoxState, vm: SimVm): number {
  const n = Number(vm.config.sockets ?? 1) * Number(vm.config.cores ?? 1);
  const hostCpus = state.node(vm.node)?.cpus ?? n;
  return vm.config.vcpus !== undefined ? Number(vm.config.vcpus) : Math.min(n, hostCpus);
}

/** vmstatus($vmid, $full): the per-VM hash. */
export function vmStatus(state: ProxmoxState, vm: SimVm, full: boolean): Record<string, unknown> {
  const running = vm.status === 'running';
  const d: Record<string, unknown> = {
    vmid: vm.vmid,
    status: vm.status,
    name: vm.config.name !== undefined ? String(vm.config.name) : `VM ${vm.vmid}`,
    cpus: cpus(state, vm),
    maxmem: memoryMiB(vm) * MiB,
    mem: running ? state.effectiveMemoryMiB(vm.vmid) * MiB : 0,
    memhost: running ? state.effectiveMemoryMiB(vm.vmid) * MiB : 0,
    uptime: uptimeSeconds(vm),
    cpu: 0,
    disk: 0,
    maxdisk: 32 * 1024 * MiB,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
  };
  if (running) d.pid = 10000 + vm.vmid;
  if (vm.config.balloon) {
    d.balloon_min = Number(vm.config.balloon) * MiB;
    d.shares = vm.config.shares !== undefined ? Number(vm.config.shares) : 1000;
  }
  if (vm.lock) d.lock = vm.lock;
  if (vm.config.tags !== undefined) d.tags = vm.config.tags;
  if (full) {
    // query-balloon only answers when the balloon device exists (balloon != 0).
    if (running && Number(vm.config.balloon ?? 1) !== 0) {
      const actual = state.effectiveMemoryMiB(vm.vmid) * MiB;
      d.balloon = actual;
      d.ballooninfo = { actual, max_mem: memoryMiB(vm) * MiB, total_mem: actual, free_mem: 0 };
    }
    d.qmpstatus = vm.status;
    d.ha = { managed: 0 };
    if (running) d['running-machine'] = 'pc-i440fx-9.2+pve1';
  }
  return d;
}

/** pmxcfs drops RRD entries older than 5 minutes (pve-cluster src/pmxcfs/status.c rrd_entry_is_old). */
const RRD_EXPIRE_MS = 5 * 60_000;

/**
 * /cluster/resources entry (type qemu), pve-manager PVE/API2Tools.pm extract_vm_stats: name,
 * status and stats come from the node's RRD data only; `lock` and `tags` from the config
 * (PVE/API2/Cluster.pm get_guest_config_properties). While its node is offline the last report
 * stays (status as it was); once that is older than 5 minutes only id/vmid/node/type remain,
 * status 'unknown' and no name.
 */
export function vmResource(state: ProxmoxState, vm: SimVm): Record<string, unknown> {
  const base = { id: `qemu/${vm.vmid}`, type: 'qemu', vmid: vm.vmid, node: vm.node };
  const fromConfig = { ...(vm.lock ? { lock: vm.lock } : {}), ...(vm.config.tags !== undefined ? { tags: vm.config.tags } : {}) };
  const offlineSince = state.node(vm.node)?.offlineSince;
  if (offlineSince !== undefined && Date.now() - offlineSince > RRD_EXPIRE_MS) return { ...base, status: 'unknown', ...fromConfig };
  const s = vmStatus(state, vm, false);
  return {
    ...base,
    name: s.name, status: s.status, uptime: s.uptime, template: 0,
    maxcpu: s.cpus, cpu: 0, maxmem: s.maxmem, mem: s.mem, memhost: s.memhost,
    maxdisk: s.maxdisk, disk: 0, netin: 0, netout: 0, diskread: 0, diskwrite: 0,
    ...fromConfig,
  };
}

export function nodeMemory(state: ProxmoxState, node: string): { total: number; used: number; free: number } {
  const total = (state.node(node)?.memoryMiB ?? 0) * MiB;
  const used = Math.min(total, state.vms().filter((v) => v.node === node).reduce((sum, v) => sum + state.effectiveMemoryMiB(v.vmid) * MiB, 0));
  return { total, used, free: total - used };
}

/** /nodes and /cluster/resources entry (type node). */
export function nodeResource(state: ProxmoxState, name: string): Record<string, unknown> {
  const n = state.node(name);
  const base = { id: `node/${name}`, node: name, type: 'node' };
  if (!n?.online) return { ...base, status: 'offline' };
  const mem = nodeMemory(state, name);
  return { ...base, status: 'online', level: '', uptime: Math.floor(process.uptime()) + 86400, cpu: 0.02, maxcpu: n.cpus, mem: mem.used, maxmem: mem.total, disk: 0, maxdisk: 100 * 1024 * MiB };
}
