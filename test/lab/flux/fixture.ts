// A shipped scenario seeded into the controller-test harness (real KubeStore, hand-driven
// clock, Proxmox stand-in with the scenario's VMs), plus small readers for Flux status.
import { syncAll } from '../../../src/lab/kubelet/controllers.js';
import type { KubeObject } from '../../../src/lab/kubelet/types.js';
import { loadScenario } from '../../../src/lab/scenario.js';
import { seedKubeStore } from '../../../src/lab/scenario-seed.js';
import { harness, type Harness } from '../controllers/harness.js';

export const HR = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' } as const;
export const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;

/** The incident's FRR fix (incident report "MetalLB Resource Limits") with the renamed PriorityClass. */
export const FIXED_VALUES = {
  speaker: {
    frr: { enabled: true, resources: { limits: { cpu: '200m', memory: '128Mi' } } },
    priorityClassName: 'infrastructure-priority',
    resources: { limits: { cpu: '100m', memory: '64Mi' } },
    frrMetrics: { resources: { limits: { cpu: '100m', memory: '64Mi' } } },
  },
};

export function scenarioHarness(name: string): Harness {
  const h = harness({ crashLoop: 10 });
  const scenario = loadScenario(name);
  for (const vm of scenario.proxmox.vms) h.proxmox.add(vm.vmid, vm.memory, vm.balloon ?? 0);
  seedKubeStore(h.store, scenario, h.clock.now);
  syncAll(h.ctx);
  return h;
}

/** Advances the clock in steps, letting the controllers run after each. */
export function run(h: Harness, seconds: number, step = 1): void {
  for (let t = 0; t < seconds; t += step) {
    h.advance(step);
    syncAll(h.ctx);
  }
}

export function metallb(h: Harness): KubeObject {
  return h.store.get(HR.apiVersion, HR.kind, 'metallb', 'metallb-system')!;
}

export function ks(h: Harness, name: string): KubeObject {
  return h.store.get(KS.apiVersion, KS.kind, name, 'flux-system')!;
}

export function cond(obj: KubeObject | undefined, type: string): { status: string; reason: string; message: string; lastTransitionTime: string } | undefined {
  return ((obj?.status as { conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

export function status(obj: KubeObject | undefined): Record<string, unknown> {
  return (obj?.status ?? {}) as Record<string, unknown>;
}

/** Sets annotations (and optionally values) the way `kubectl patch --type merge` / the runbook steps do. */
export function annotate(h: Harness, obj: KubeObject, annotations: Record<string, string>, values?: Record<string, unknown>): void {
  h.store.mutate(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace, (o) => {
    o.metadata.annotations = { ...o.metadata.annotations, ...annotations };
    if (values) (o.spec as Record<string, unknown>).values = values;
  });
}

export interface SpeakerContainer {
  name: string;
  ready: boolean;
  restartCount: number;
  state: Record<string, unknown>;
  lastState?: { terminated?: { reason: string } };
}

/** Speaker pods on the given nodes with their frr container status and spec. */
export function speakers(h: Harness, nodes: string[]): { name: string; node: string; frr?: SpeakerContainer; frrLimit?: string; containers: SpeakerContainer[] }[] {
  return h.store.list('v1', 'Pod', { namespace: 'metallb-system' })
    .filter((p) => p.metadata.name.startsWith('speaker-') && nodes.includes(String((p.spec as { nodeName?: string }).nodeName)))
    .map((p) => {
      const containers = ((p.status as { containerStatuses?: SpeakerContainer[] }).containerStatuses ?? []);
      const frrSpec = ((p.spec as { containers: { name: string; resources?: { limits?: { memory?: string } } }[] }).containers).find((c) => c.name === 'frr');
      return { name: p.metadata.name, node: String((p.spec as { nodeName?: string }).nodeName), frr: containers.find((c) => c.name === 'frr'), frrLimit: frrSpec?.resources?.limits?.memory, containers };
    });
}

export const LIVE_NODES = ['k3s-server-0', 'k3s-server-1', 'k3s-server-2', 'k3s-replica-0', 'k3s-replica-1'];
