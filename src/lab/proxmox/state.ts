// The simulated Proxmox VE cluster: nodes, VMs (applied config + [PENDING] section), API
// users/tokens and worker tasks. The HTTP server (server.ts) and the lab controllers share it;
// every VM status/config change emits 'vm-changed'. Plain JSON in and out for persistence.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { checkAclEntry, type AccessModel, type AclEntry } from './acl.js';
import { messageOf } from './errors.js';
import { PVE_VERSION, checkPveVersion } from './pve-version.js';
import { planTask, type TaskStep } from './power.js';
import { parseMemory } from './qemu-schema.js';
import { encodeUpid, type TaskRecord } from './tasks.js';

export interface ProxmoxSpec {
  nodes: { name: string; memoryMiB: number; cpus?: number; online?: boolean }[];
  vms: { vmid: number; name: string; node: string; memory: number /*MiB*/; balloon?: number /*MiB, 0 = device off*/;
         cores?: number; status?: 'running' | 'stopped'; lock?: string; tags?: string; shutdownSeconds?: number }[];
  /** privsep: privilege separation (default off: the token has its user's rights) */
  tokens?: SimToken[];
  /** ACL entries (acl.ts); root@pam needs none */
  acl?: AclEntry[];
  users?: { userid: string /* 'root@pam' */; password: string }[];
  rebootSeconds?: number;  // simulated duration of reboot/start/stop/shutdown tasks (default 2)
  /** the pve-manager version it claims (default pve-version.ts: the 8.x line) */
  pveVersion?: string;
  guestBootSeconds?: number; // from QEMU start until the guest's kubelet posts (default rebootSeconds / 2)
}

import type { SimVm } from './types.js';

export type { SimVm } from './types.js';

interface SimToken { id: string /* 'root@pam!runbook' */; secret: string /* lowercase uuid */; privsep?: boolean }

/** offlineSince: epoch ms of the node's last status report (its RRD data), while offline */
interface SimNode { name: string; memoryMiB: number; cpus: number; online: boolean; offlineSince?: number }

interface Snapshot {
  version: 1;
  nodes: SimNode[];
  vms: SimVm[];
  tokens: SimToken[];
  acl?: AclEntry[];
  users: { userid: string; password: string }[];
  rebootSeconds: number;
  pveVersion?: string;
  guestBootSeconds?: number;
  tasks: TaskRecord[];
  secret: string;
  nextPid: number;
}

const MAX_TASKS = 500;

function initialConfig(v: ProxmoxSpec['vms'][number]): Record<string, string | number> {
  const mac = `BC:24:11:${[v.vmid >> 16, v.vmid >> 8, v.vmid].map((b) => (b & 0xff).toString(16).toUpperCase().padStart(2, '0')).join(':')}`;
  return {
    boot: 'order=scsi0;net0',
    cores: v.cores ?? 2,
    memory: v.memory,
    ...(v.balloon !== undefined ? { balloon: v.balloon } : {}),
    name: v.name,
    net0: `virtio=${mac},bridge=vmbr0,firewall=1`,
    numa: 0,
    ostype: 'l26',
    scsi0: `local-lvm:vm-${v.vmid}-disk-0,iothread=1,size=32G`,
    scsihw: 'virtio-scsi-single',
    sockets: 1,
    ...(v.tags !== undefined ? { tags: v.tags } : {}),
  };
}

/** Emits 'vm-changed' (vm: SimVm) on every VM status/config change (and removal), and
 * 'node-changed' ({ name, online }) when a PVE node goes on/offline. */
export class ProxmoxState extends EventEmitter implements AccessModel {
  private nodeList: SimNode[] = [];
  private vmList: SimVm[] = [];
  private tokenList: SimToken[] = [];
  /** who may do what (acl.ts); change it with setAcl */
  acl: AclEntry[] = [];
  private userList: { userid: string; password: string }[] = [];
  private taskList: TaskRecord[] = [];
  private nextPid = 2000;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Task steps due while tasks are held (holdTasks): run, in order, on release. */
  private held: Array<() => void> | undefined;

  /**
   * Holds every task where it is (a test's way to look at a running task without racing its
   * timer on a loaded machine); the returned function releases them, running what fell due.
   */
  holdTasks(): () => void {
    this.held ??= [];
    return () => {
      const due = this.held ?? [];
      this.held = undefined;
      for (const go of due) go();
    };
  }
  private readonly faults: { type: string; vmid?: number; exitstatus: string }[] = [];
  private readonly queues = new Map<number, string[]>();
  /** simulated duration of power tasks, seconds */
  rebootSeconds = 2;
  /** what /version and node status report */
  pveVersion: string = PVE_VERSION.version;
  /** from QEMU start until the guest OS (and its kubelet) is up; default half of rebootSeconds */
  guestBootSeconds?: number;
  /** HMAC key of tickets and CSRF tokens (persisted, so tickets survive a lab restart) */
  secret = randomBytes(32).toString('hex');

  static fromSpec(spec: ProxmoxSpec): ProxmoxState {
    const names = new Set(spec.nodes.map((n) => n.name));
    const vmids = new Set<number>();
    for (const v of spec.vms) {
      if (!names.has(v.node)) throw new Error(`VM ${v.vmid}: no PVE node '${v.node}' in the spec`);
      if (vmids.has(v.vmid)) throw new Error(`VM ${v.vmid} is defined twice`);
      vmids.add(v.vmid);
    }
    const s = new ProxmoxState();
    // A node that is offline in the spec stopped reporting long ago: its RRD data has expired.
    s.nodeList = spec.nodes.map((n) => ({ name: n.name, memoryMiB: n.memoryMiB, cpus: n.cpus ?? 4, online: n.online ?? true, ...(n.online === false ? { offlineSince: 0 } : {}) }));
    const now = Date.now();
    s.vmList = spec.vms.map((v) => ({
      vmid: v.vmid, name: v.name, node: v.node, status: v.status ?? 'running', config: initialConfig(v), pending: {},
      ...(v.lock ? { lock: v.lock } : {}), ...(v.shutdownSeconds !== undefined ? { shutdownSeconds: v.shutdownSeconds } : {}), ...((v.status ?? 'running') === 'running' ? { uptimeStartedAt: now - 3600_000 } : {}),
    }));
    s.tokenList = (spec.tokens ?? []).map((t) => ({ ...t }));
    s.userList = (spec.users ?? []).map((u) => ({ ...u }));
    s.setAcl(spec.acl ?? []);
    if (spec.rebootSeconds !== undefined) s.rebootSeconds = spec.rebootSeconds;
    if (spec.pveVersion !== undefined) s.pveVersion = checkPveVersion(spec.pveVersion);
    if (spec.guestBootSeconds !== undefined) s.guestBootSeconds = spec.guestBootSeconds;
    return s;
  }

  static fromJSON(json: unknown): ProxmoxState {
    const j = json as Snapshot;
    if (!j || j.version !== 1 || !Array.isArray(j.vms)) throw new Error('not a Proxmox lab state snapshot');
    const s = new ProxmoxState();
    s.nodeList = structuredClone(j.nodes);
    s.vmList = structuredClone(j.vms);
    s.tokenList = structuredClone(j.tokens);
    s.userList = structuredClone(j.users);
    s.acl = structuredClone(j.acl ?? []);
    s.rebootSeconds = j.rebootSeconds;
    if (j.pveVersion !== undefined) s.pveVersion = j.pveVersion;
    if (j.guestBootSeconds !== undefined) s.guestBootSeconds = j.guestBootSeconds;
    s.secret = j.secret;
    s.nextPid = j.nextPid;
    s.taskList = structuredClone(j.tasks);
    // Tasks that were running when the lab stopped are finished now, in order, at once.
    for (const t of s.taskList.filter((x) => x.endtime === undefined)) s.run(t, true);
    return s;
  }

  toJSON(): unknown {
    const snap: Snapshot = {
      version: 1, nodes: this.nodeList, vms: this.vmList, tokens: this.tokenList, acl: this.acl, users: this.userList,
      rebootSeconds: this.rebootSeconds, pveVersion: this.pveVersion, ...(this.guestBootSeconds !== undefined ? { guestBootSeconds: this.guestBootSeconds } : {}), tasks: this.taskList, secret: this.secret, nextPid: this.nextPid,
    };
    return structuredClone(snap);
  }

  vms(): SimVm[] {
    return this.vmList;
  }

  vm(vmid: number): SimVm | undefined {
    return this.vmList.find((v) => v.vmid === vmid);
  }

  nodes(): { name: string; memoryMiB: number; online: boolean }[] {
    return this.nodeList.map((n) => ({ name: n.name, memoryMiB: n.memoryMiB, online: n.online }));
  }

  node(name: string): SimNode | undefined {
    return this.nodeList.find((n) => n.name === name);
  }

  /** `since`: when an offline node last reported (epoch ms, default now); its RRD data ages from then. */
  setNodeOnline(node: string, online: boolean, since = Date.now()): void {
    const n = this.node(node);
    if (!n) throw new Error(`no such PVE node '${node}'`);
    if (online) delete n.offlineSince;
    else n.offlineSince = Math.min(since, n.offlineSince ?? since);
    if (n.online === online) return;
    n.online = online;
    this.emit('node-changed', { name: n.name, online });
  }

  /** memory the guest actually sees: 0 when stopped; balloon target when the balloon device is on and below memory; else memory (MiB) */
  effectiveMemoryMiB(vmid: number): number {
    const vm = this.vm(vmid);
    if (!vm || vm.status !== 'running') return 0;
    const memory = parseMemory(vm.config.memory ?? 512) ?? 512;
    const balloon = vm.config.balloon === undefined ? undefined : Number(vm.config.balloon);
    return balloon !== undefined && balloon > 0 && balloon < memory ? balloon : memory;
  }

  /** Whether the guest of a running VM has booted far enough that its kubelet runs. */
  guestBooted(vmid: number, now = Date.now()): boolean {
    const at = this.guestBootsAt(vmid);
    return at !== undefined && now >= at;
  }

  /** When the guest of a running VM boots far enough that its kubelet runs (epoch ms). */
  guestBootsAt(vmid: number): number | undefined {
    const vm = this.vm(vmid);
    if (!vm || vm.status !== 'running') return undefined;
    return (vm.uptimeStartedAt ?? 0) + (this.guestBootSeconds ?? this.rebootSeconds / 2) * 1000;
  }

  /** The VM is gone; listeners get it one last time, stopped. */
  removeVm(vmid: number): void {
    const vm = this.vm(vmid);
    if (!vm) return;
    this.vmList = this.vmList.filter((v) => v.vmid !== vmid);
    vm.status = 'stopped';
    delete vm.uptimeStartedAt;
    this.changed(vm);
  }

  tokens(): SimToken[] {
    return this.tokenList.map((t) => ({ ...t }));
  }

  addToken(token: SimToken): void {
    this.tokenList = [...this.tokenList.filter((t) => t.id !== token.id), { ...token }];
  }

  tokenPrivsep(tokenid: string): boolean | undefined {
    const t = this.tokenList.find((x) => x.id === tokenid);
    return t ? Boolean(t.privsep) : undefined;
  }

  setAcl(entries: readonly AclEntry[]): void {
    entries.forEach(checkAclEntry);
    this.acl = structuredClone([...entries]);
  }

  users(): { userid: string; password: string }[] {
    return this.userList.map((u) => ({ ...u }));
  }

  /** Announce a status or config change of `vm` to the lab controllers. */
  changed(vm: SimVm): void {
    this.emit('vm-changed', vm);
  }

  tasks(): readonly TaskRecord[] {
    return this.taskList;
  }

  task(upid: string): TaskRecord | undefined {
    return this.taskList.find((t) => t.upid === upid);
  }

  /**
   * Forks a worker (RPCEnvironment::fork_worker): returns its UPID at once. Tasks of one VM
   * run one after the other, as they all take the VM's config lock.
   */
  startTask(type: string, vm: SimVm, user: string, params?: Record<string, string>): string {
    const pid = this.nextPid++;
    const starttime = Math.floor(Date.now() / 1000);
    const base = { node: vm.node, pid, pstart: Math.floor(process.uptime() * 100) + pid, starttime, type, id: String(vm.vmid), user };
    const task: TaskRecord = { upid: encodeUpid(base), ...base, ...(params ? { params } : {}) };
    this.taskList.push(task);
    if (this.taskList.length > MAX_TASKS) this.taskList.splice(0, this.taskList.length - MAX_TASKS);
    const queue = this.queues.get(vm.vmid) ?? [];
    queue.push(task.upid);
    this.queues.set(vm.vmid, queue);
    if (queue.length === 1) this.run(task, false);
    return task.upid;
  }

  /**
   * Fault injection: the next task of this type (and VM, if given) fails with `exitstatus`
   * before it changes anything, as a real task does when QEMU or a hook refuses.
   */
  failNextTask(fault: { type: string; vmid?: number; exitstatus: string }): void {
    this.faults.push(fault);
  }

  private run(task: TaskRecord, immediate: boolean): void {
    const fault = this.faults.findIndex((f) => f.type === task.type && (f.vmid === undefined || String(f.vmid) === task.id));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      return this.finish(task, f!.exitstatus);
    }
    const steps: TaskStep[] = planTask(this, task);
    let i = 0;
    const next = (): void => {
      const step = steps[i++];
      if (!step) return this.finish(task, 'OK');
      const go = (): void => {
        if (this.held) {
          this.held.push(go);
          return;
        }
        let done: boolean | void;
        try {
          done = step.run();
        } catch (e) {
          return this.finish(task, messageOf(e).replace(/\n$/, ''));
        }
        if (done) return this.finish(task, 'OK');
        next();
      };
      const ms = immediate ? 0 : step.afterSeconds * 1000;
      if (ms <= 0) return go();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        go();
      }, ms);
      timer.unref(); // a simulated reboot must never keep the process alive
      this.timers.add(timer);
    };
    next();
  }

  private finish(task: TaskRecord, exitstatus: string): void {
    task.endtime = Math.floor(Date.now() / 1000);
    task.exitstatus = exitstatus;
    delete task.params;
    const vmid = Number(task.id);
    const queue = (this.queues.get(vmid) ?? []).filter((u) => u !== task.upid);
    this.queues.set(vmid, queue);
    const nextTask = queue[0] === undefined ? undefined : this.task(queue[0]);
    if (nextTask) this.run(nextTask, false);
  }

  /** Stops the simulated task timers (tasks stay 'running'; toJSON/fromJSON finishes them). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
