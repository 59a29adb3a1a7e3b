// The diagnosis' public shapes (findings, options) and the one snapshot every check reads:
// checks are pure functions of the snapshot, so they are tested without any server.
import type { KubeObject, ProxmoxVmConfig, ProxmoxVmSummary } from '../adapters/ports.js';

export type Severity = 'info' | 'warning' | 'critical';

export interface Finding {
  /** stable, e.g. 'ballooning:k3s-replica-0' */
  id: string;
  /** e.g. 'proxmox.ballooning' */
  check: string;
  severity: Severity;
  /** one line */
  title: string;
  /** 'node/k3s-replica-0', 'qemu/111', 'pvc/monitoring/prometheus-0' ... */
  objects: string[];
  /** numbers, conditions, events, each a short line */
  evidence: string[];
  /** the incident lesson in one sentence */
  lesson: string;
  /** the shipped runbook + params that fixes it */
  fix?: { runbook: string; params: Record<string, unknown> };
  /** ids of findings this one causes (root cause -> symptoms) */
  causes?: string[];
}

export interface DiagnoseOptions {
  /** ms since epoch; default Date.now() */
  now?: number;
  /** a node NotReady longer than this is dead (default 5 minutes, as purge-dead-node) */
  notReadyThresholdMs?: number;
  /** namespaces whose containers must have memory limits */
  systemNamespaces?: string[];
  /** a GitOps checkout to scan for reserved PriorityClass names */
  gitopsDir?: string;
}

export interface ResolvedOptions {
  now: number;
  notReadyThresholdMs: number;
  systemNamespaces: string[];
  gitopsDir?: string;
}

export const DEFAULT_SYSTEM_NAMESPACES = ['metallb-system', 'kube-system', 'flux-system', 'monitoring'] as const;
export const DEFAULT_NOT_READY_THRESHOLD_MS = 5 * 60_000;

/** A reserved PriorityClass name found in a file of the GitOps checkout. */
export interface GitopsHit {
  file: string;
  line: number;
  name: string;
  /** 'PriorityClass' (an object so named) or 'priorityClassName' (a reference) */
  via: 'PriorityClass' | 'priorityClassName';
}

export interface ProxmoxSnapshot {
  vms: ProxmoxVmSummary[];
  /** configs of the VMs backing a node, by vmid */
  configs: Map<number, ProxmoxVmConfig>;
  /** memory of each PVE node (bytes) */
  hosts: Map<string, { memoryTotal: number; memoryUsed: number }>;
  /** what could not be read (the diagnosis goes on without it) */
  errors: string[];
  /**
   * Node name -> the inventory's VM that PVE says does not exist: positive evidence that the
   * VM is gone. A VM that is merely not listed is no evidence (the listing leaves out VMs the
   * token may not audit).
   */
  vmsGone: Map<string, { vmid: number; node: string; message: string }>;
}

/** Everything read from the cluster, once. */
export interface Snapshot {
  now: number;
  apiReady: boolean;
  nodes: KubeObject[];
  pods: KubeObject[];
  pvs: KubeObject[];
  pvcs: KubeObject[];
  events: KubeObject[];
  helmReleases: KubeObject[];
  kustomizations: KubeObject[];
  priorityClasses: KubeObject[];
  /** resource types that could not be listed (e.g. no Flux CRDs) */
  unavailable: string[];
  /** the API server's own refusals of our lists ("... cannot list resource ..."), absent when none */
  forbidden?: string[];
  proxmox?: ProxmoxSnapshot;
  gitops: GitopsHit[];
}

export interface CheckContext {
  snap: Snapshot;
  opts: ResolvedOptions;
}

export type Check = (ctx: CheckContext) => Finding[];
