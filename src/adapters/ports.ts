// The small typed ports that steps talk to. Steps never see @kubernetes/client-node,
// proxmox-api or zx: only these interfaces. Readers are what preflight/plan/verify get;
// writers (a superset) are what apply/rollback get. Dry-run is "you only have a reader".

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface KubeRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * The fields of an object to keep: `true` keeps the whole value; a nested mask keeps those
 * fields of an object, or of each element of an array. Data, so a reader can apply it to each
 * page as it arrives and drop the rest of the page.
 */
export interface FieldMask {
  [field: string]: true | FieldMask;
}

export interface KubeListQuery {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Keep only these fields of each item (metadata.name always): a list of 10k pods need not hold their full specs. */
  fields?: FieldMask;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface KubeReader {
  get(ref: KubeRef): Promise<KubeObject | undefined>;
  list(query: KubeListQuery): Promise<KubeObject[]>;
  /** Resolves with the object once `until` holds, using a watch; rejects on timeout. */
  waitFor(ref: KubeRef, until: (obj: KubeObject | undefined) => boolean, options: WaitOptions): Promise<KubeObject | undefined>;
  /** `/readyz` of the API server. */
  ready(): Promise<boolean>;
}

export type EvictionResult = { evicted: true } | { evicted: false; reason: 'pdb'; message: string };

export interface KubeWriter extends KubeReader {
  create(obj: KubeObject): Promise<KubeObject>;
  patch(ref: KubeRef, patch: unknown, type: PatchType): Promise<KubeObject>;
  delete(ref: KubeRef, options?: { gracePeriodSeconds?: number }): Promise<void>;
  evict(pod: KubeRef): Promise<EvictionResult>;
}

export interface ProxmoxVmSummary {
  node: string;
  vmid: number;
  name: string;
  status: string;
  /** From the VM's config, so still listed when the name has expired with its node's RRD data. */
  tags?: string[];
}

export interface ProxmoxVmConfig {
  digest: string;
  /** Raw config keys as Proxmox returns them (memory, balloon, ...). */
  values: Record<string, string | number>;
}

export interface ProxmoxTaskStatus {
  upid: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
}

export interface ProxmoxReader {
  listVms(): Promise<ProxmoxVmSummary[]>;
  getVmConfig(node: string, vmid: number): Promise<ProxmoxVmConfig>;
  getVmPending(node: string, vmid: number): Promise<Array<{ key: string; value?: string | number; pending?: string | number; delete?: number }>>;
  /** `qmpstatus` is QEMU's own view (running, paused, prelaunch...): `status` alone says only that the process exists. */
  getVmStatus(node: string, vmid: number): Promise<{ status: string; qmpstatus?: string; uptime?: number; maxmem?: number; balloon?: number }>;
  getNodeStatus(node: string): Promise<{ memoryTotal: number; memoryUsed: number }>;
  getTaskStatus(node: string, upid: string): Promise<ProxmoxTaskStatus>;
  /** What this token may do (GET /access/permissions): per ACL path, privilege -> 1 when it propagates below. */
  getPermissions(): Promise<Record<string, Record<string, number>>>;
  /** The VM an inventory file maps a Kubernetes node to, listed or not (inventory.ts). */
  knownVm?(nodeName: string): { vmid: number; node?: string } | undefined;
}

export type VmAction = 'start' | 'stop' | 'shutdown' | 'reboot';

export interface ProxmoxWriter extends ProxmoxReader {
  setVmConfig(node: string, vmid: number, values: Record<string, string | number>, digest?: string): Promise<void>;
  /** `timeout`: seconds a shutdown/reboot waits for the guest to power off (PVE's default: 60). */
  vmAction(node: string, vmid: number, action: VmAction, options?: { timeout?: number }): Promise<string>;
}

export interface ShellResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ShellRunner {
  run(command: string, options?: { cwd?: string; signal?: AbortSignal; env?: Record<string, string> }): Promise<ShellResult>;
}

/** Adapter names a step may declare in `uses`. */
const ADAPTER_NAMES = ['kube', 'proxmox', 'shell'] as const;
export type AdapterName = (typeof ADAPTER_NAMES)[number];

export interface ReadAdapters {
  kube: KubeReader;
  proxmox: ProxmoxReader;
  shell: never;
}

export interface WriteAdapters {
  kube: KubeWriter;
  proxmox: ProxmoxWriter;
  shell: ShellRunner;
}
