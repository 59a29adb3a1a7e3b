// What the simulated kubelets, scheduler and node lifecycle controller need from the lab's
// kube store and Proxmox state: narrow interfaces over src/lab/kube/store.ts and
// src/lab/proxmox/state.ts, so the controllers stay pure and testable with plain fakes.
import type { KubeObject } from '../kube/store.js';
import type { EtcdMembers } from './etcd-members.js';

export type { KubeObject };

export interface StoreEventLike {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  oldObject?: KubeObject;
}

export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
}

/** The subset of KubeStore the controllers use. */
export interface ControllerStore {
  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, opts?: { namespace?: string }): KubeObject[];
  create(obj: KubeObject): KubeObject;
  mutate(apiVersion: string, kind: string, name: string, namespace: string | undefined, fn: (o: KubeObject) => void): KubeObject;
  delete(apiVersion: string, kind: string, name: string, namespace?: string, opts?: { gracePeriodSeconds?: number }): KubeObject | undefined;
  /** Removes a terminating namespace once nothing is left in it; false otherwise. */
  finalizeNamespace(name: string): boolean;
  subscribe(listener: (e: StoreEventLike) => void): () => void;
  recordEvent(involved: KubeObject, e: EventInput): KubeObject;
}

export interface VmLike {
  vmid: number;
  name: string;
  status: 'running' | 'stopped';
  config: Record<string, string | number>;
  uptimeStartedAt?: number;
}

/** The subset of ProxmoxState the controllers use. */
interface ControllerProxmox {
  vm(vmid: number): VmLike | undefined;
  effectiveMemoryMiB(vmid: number): number;
  /** whether the running VM's guest has booted far enough to run its kubelet (absent: at once) */
  guestBooted?(vmid: number, now: number): boolean;
  /** when that happens (ms since epoch); undefined when the VM is not running */
  guestBootsAt?(vmid: number): number | undefined;
  on(event: 'vm-changed', listener: (vm: VmLike) => void): unknown;
  off(event: 'vm-changed', listener: (vm: VmLike) => void): unknown;
}

export interface ControllerContext {
  store: ControllerStore;
  proxmox: ControllerProxmox;
  /** ms since epoch; injected so tests drive time. */
  now(): number;
  /** how long a node may miss heartbeats before it is marked Unknown (node-monitor-grace-period). */
  notReadyGraceSeconds: number;
  /** period of one OOM-kill / restart cycle of a crash-looping container. */
  crashLoopSeconds: number;
  /**
   * A time-driven decision (a heartbeat, a grace period, a crash-loop back-off, a requeue) asks
   * for the pass that is due at `at` (controller-runtime's RequeueAfter): the control loop runs
   * on changes and on these, never just because a second went by. Absent: nobody schedules
   * (tests that drive passes themselves).
   */
  wakeAt?(at: number): void;
  /** embedded etcd (a k3s cluster with servers); absent: no member controller runs. */
  etcd?: LabEtcd;
}

export interface LabEtcd {
  /** persisted with the store: a removal is always followed by the finalizer's removal (a store write). */
  members: EtcdMembers;
  /** node -> why k3s's member controller could not remove its member (what k3s would log). */
  lastErrors: Map<string, string>;
}

/** Annotations through which scenarios hand the simulation what the API cannot express. */
export const LAB_ANNOTATIONS = {
  /** Node: the Proxmox vmid backing it. */
  vmid: 'lab.runbook.dev/vmid',
  /** Node: memory used outside pods (k3s, etcd, containerd), e.g. "750Mi". */
  systemMemory: 'lab.runbook.dev/system-memory-usage',
  /** Pod: JSON {container: {memory: "280Mi", processes: ["zebra"]}}: what the containers really use. */
  usage: 'lab.runbook.dev/usage',
} as const;
