// `scale:N`: a generated scenario of N nodes for measuring at scale (`runbook lab start
// --scenario scale:500`, `npm run bench`). The incident's problems, repeated as a big cluster
// would have them: every 25th worker VM balloons, one worker is dead with its volumes, the
// rest is healthy. About 20 pods and 4 claims per node (500 nodes: ~10k pods, 2k PVs).
import type { Scenario } from './scenario-schema.js';
import { scenarioSchema } from './scenario-schema.js';

const MAX_SCALE_NODES = 5000;

const VMS_PER_HOST = 20;
const SERVERS = 3;
const APPS_PER_NODE = 2;
const CLAIMS_PER_NODE = 4;

/** The scenario for `scale:N`, or undefined when `name` is not of that form. */
export function scaleScenario(name: string): Scenario | undefined {
  const m = /^scale:(\d{1,5})$/.exec(name);
  if (!m) return undefined;
  const n = Math.min(Math.max(Number(m[1]), SERVERS + 1), MAX_SCALE_NODES);
  const names = Array.from({ length: n }, (_, i) => (i < SERVERS ? `k3s-server-${i}` : `k3s-agent-${i - SERVERS}`));
  const dead = names[n - 1]!;
  const hosts = Math.ceil(n / VMS_PER_HOST);
  const vms = names.slice(0, -1).map((name, i) => ({
    vmid: 1000 + i,
    name,
    node: `pve-${Math.floor(i / VMS_PER_HOST)}`,
    memory: 4096,
    ...(i >= SERVERS && i % 25 === 0 ? { balloon: 1024 } : { balloon: 0 }),
    cores: 2,
    status: 'running' as const,
    tags: i < SERVERS ? 'k3s;server' : 'k3s;agent',
  }));
  const workers = names.slice(SERVERS, -1);
  const apps = workers.flatMap((node, w) =>
    Array.from({ length: APPS_PER_NODE }, (_, a) => ({
      kind: 'StatefulSet' as const,
      name: `app-${w}-${a}`,
      namespace: `team-${w % 20}`,
      replicas: 1,
      nodeName: node,
      volumeClaimTemplates: ['data', 'cache'],
      containers: [{ name: 'app', image: 'registry.example/app:1.0', requests: { memory: '32Mi', cpu: '10m' }, limits: { memory: '64Mi' }, usage: '20Mi' }],
    })),
  );
  const fillers = workers.map((node, w) => ({
    kind: 'Deployment' as const,
    name: `web-${w}`,
    namespace: `team-${w % 20}`,
    replicas: 16,
    nodeName: node,
    containers: [{ name: 'web', image: 'registry.example/web:1.0', requests: { memory: '16Mi', cpu: '5m' }, limits: { memory: '32Mi' }, usage: '10Mi' }],
  }));
  const volumes = apps.flatMap((app) =>
    (app.volumeClaimTemplates ?? []).map((t) => ({ claim: `${t}-${app.name}-0`, namespace: app.namespace, size: '1Gi', storageClass: 'local-path', node: app.nodeName })),
  );
  const deadVolumes = Array.from({ length: CLAIMS_PER_NODE }, (_, i) => ({ claim: `orphan-${i}`, namespace: 'team-0', size: '1Gi', storageClass: 'local-path', node: dead }));
  return scenarioSchema.parse({
    name: `scale:${n}`,
    description: `${n} generated nodes for measuring at scale`,
    proxmox: {
      nodes: Array.from({ length: hosts }, (_, h) => ({ name: `pve-${h}`, memoryMiB: VMS_PER_HOST * 4096 + 8192, cpus: 64 })),
      vms,
      tokens: [{ id: 'root@pam!runbook', secret: '6f1d1c9e-3b1a-4f5e-9c2d-7a8b9c0d1e2f' }],
      rebootSeconds: 2,
    },
    kubernetes: {
      nodes: names.map((name, i) =>
        i === n - 1
          ? { name, role: 'worker', vm: 'absent', systemMemory: '250Mi', lastKnownMemory: '4Gi', age: '200d' }
          : { name, role: i < SERVERS ? 'control-plane' : 'worker', vmid: 1000 + i, systemMemory: i < SERVERS ? '800Mi' : '250Mi' },
      ),
      namespaces: Array.from({ length: 20 }, (_, i) => `team-${i}`),
      workloads: [
        {
          kind: 'DaemonSet', name: 'node-exporter', namespace: 'kube-system',
          containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.9.1', requests: { memory: '16Mi' }, limits: { memory: '32Mi' }, usage: '14Mi' }],
        },
        {
          kind: 'DaemonSet', name: 'svclb', namespace: 'kube-system',
          containers: [{ name: 'lb', image: 'rancher/klipper-lb:v0.4.13', usage: '5Mi' }],
        },
        ...apps,
        ...fillers,
      ],
      volumes: [...volumes, ...deadVolumes],
    },
  });
}
