// Shared fixture for the controller tests: the real lab KubeStore, a hand-driven clock and a
// Proxmox stand-in whose VMs the test switches on and off directly.
import { EventEmitter } from 'node:events';
import { KubeStore } from '../../../src/lab/kube/store.js';
import { LAB_ANNOTATIONS, type ControllerContext, type KubeObject, type VmLike } from '../../../src/lab/kubelet/types.js';

export class FakeProxmox extends EventEmitter {
  readonly vms = new Map<number, VmLike>();
  add(vmid: number, memory: number, balloon = 0, status: VmLike['status'] = 'running'): void {
    this.vms.set(vmid, { vmid, name: `vm${vmid}`, status, config: { memory, balloon, cores: 2 } });
  }
  vm(vmid: number): VmLike | undefined {
    return this.vms.get(vmid);
  }
  effectiveMemoryMiB(vmid: number): number {
    const vm = this.vms.get(vmid);
    if (!vm || vm.status !== 'running') return 0;
    const memory = Number(vm.config.memory);
    const balloon = Number(vm.config.balloon ?? 0);
    return balloon > 0 && balloon < memory ? balloon : memory;
  }
  set(vmid: number, patch: Partial<VmLike>): void {
    const vm = this.vms.get(vmid)!;
    Object.assign(vm, patch);
    this.emit('vm-changed', vm);
  }
}

export interface Harness {
  store: KubeStore;
  proxmox: FakeProxmox;
  ctx: ControllerContext;
  clock: { now: number };
  advance(seconds: number): void;
}

export function harness(opts: { grace?: number; crashLoop?: number } = {}): Harness {
  const store = new KubeStore();
  store.seedDefaults();
  const proxmox = new FakeProxmox();
  const clock = { now: Date.parse('2025-08-14T10:00:00Z') };
  const ctx: ControllerContext = { store, proxmox, now: () => clock.now, notReadyGraceSeconds: opts.grace ?? 40, crashLoopSeconds: opts.crashLoop ?? 10 };
  return { store, proxmox, ctx, clock, advance: (s) => (clock.now += s * 1000) };
}

export function node(name: string, vmid: number | undefined, extra: { systemMemory?: string; unschedulable?: boolean; status?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name },
      annotations: { ...(vmid !== undefined ? { [LAB_ANNOTATIONS.vmid]: String(vmid) } : {}), ...(extra.systemMemory ? { [LAB_ANNOTATIONS.systemMemory]: extra.systemMemory } : {}) },
    },
    spec: extra.unschedulable ? { unschedulable: true } : {},
    ...(extra.status ? { status: extra.status } : {}),
  };
}

export interface ContainerOpts {
  name: string;
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  usage?: string;
  processes?: string[];
}

export function pod(name: string, containers: ContainerOpts[], extra: { namespace?: string; nodeName?: string; claims?: string[]; init?: ContainerOpts[] } = {}): KubeObject {
  const toSpec = (c: ContainerOpts) => ({ name: c.name, image: `img/${c.name}:1`, resources: { ...(c.requests ? { requests: c.requests } : {}), ...(c.limits ? { limits: c.limits } : {}) } });
  const usage = Object.fromEntries(containers.filter((c) => c.usage).map((c) => [c.name, { memory: c.usage, ...(c.processes ? { processes: c.processes } : {}) }]));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: extra.namespace ?? 'default', annotations: { [LAB_ANNOTATIONS.usage]: JSON.stringify(usage) } },
    spec: {
      containers: containers.map(toSpec),
      ...(extra.init ? { initContainers: extra.init.map(toSpec) } : {}),
      ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
      tolerations: ['not-ready', 'unreachable'].map((k) => ({ key: `node.kubernetes.io/${k}`, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 })),
      volumes: (extra.claims ?? []).map((claimName) => ({ name: claimName, persistentVolumeClaim: { claimName } })),
    },
  };
}

export function condition(obj: KubeObject | undefined, type: string): Record<string, unknown> | undefined {
  return ((obj?.status as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

export function events(store: KubeStore, reason: string): KubeObject[] {
  return store.list('v1', 'Event').filter((e) => e.reason === reason);
}
