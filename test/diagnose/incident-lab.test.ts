// The diagnosis against the lab through the real adapters: the incident scenario yields the
// incident's root causes with their evidence, root causes first; the healthy scenario yields
// nothing to act on; every resource type is listed once (counted at the reader and on the
// wire), and the memory commitment matches `kubectl describe node` to the byte.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeAdapters } from '../../src/adapters/kube/adapter.js';
import type { KubeReader, ProxmoxReader } from '../../src/adapters/ports.js';
import { ProxmoxApiClient, readOnly } from '../../src/adapters/proxmox/client.js';
import { resolveProxmoxTarget } from '../../src/adapters/proxmox/config.js';
import { loadInventory, withInventory } from '../../src/adapters/proxmox/inventory.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { formatBytes, nodeAllocation, podLimits, podRequests } from '../../src/diagnose/pod-resources.js';
import type { Finding } from '../../src/diagnose/types.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

const run = promisify(execFile);

interface Counted<T> {
  reader: T;
  calls: string[];
}

function countKube(inner: KubeReader): Counted<KubeReader> {
  const calls: string[] = [];
  return {
    calls,
    reader: {
      get: (ref) => (calls.push(`get ${ref.kind}/${ref.name}`), inner.get(ref)),
      list: (q) => (calls.push(`list ${q.kind}${q.namespace ? ` -n ${q.namespace}` : ''}${q.labelSelector || q.fieldSelector ? ' (selector)' : ''}`), inner.list(q)),
      waitFor: (ref, until, o) => (calls.push(`waitFor ${ref.kind}/${ref.name}`), inner.waitFor(ref, until, o)),
      ready: () => (calls.push('ready'), inner.ready()),
    },
  };
}

function countProxmox(inner: ProxmoxReader): Counted<ProxmoxReader> {
  const calls: string[] = [];
  return {
    calls,
    reader: {
      listVms: () => (calls.push('listVms'), inner.listVms()),
      getVmConfig: (n, v) => (calls.push(`getVmConfig ${n}/${v}`), inner.getVmConfig(n, v)),
      getVmPending: (n, v) => (calls.push(`getVmPending ${n}/${v}`), inner.getVmPending(n, v)),
      getVmStatus: (n, v) => (calls.push(`getVmStatus ${n}/${v}`), inner.getVmStatus(n, v)),
      getNodeStatus: (n) => (calls.push(`getNodeStatus ${n}`), inner.getNodeStatus(n)),
      getTaskStatus: (n, u) => (calls.push(`getTaskStatus ${n}`), inner.getTaskStatus(n, u)),
      ...(inner.knownVm ? { knownVm: (name: string) => inner.knownVm!(name) } : {}),
    },
  };
}

interface Harness {
  lab: Lab;
  dir: string;
  kubeProxy: CountingProxy;
  pveProxy: CountingProxy;
  kube: Counted<KubeReader>;
  proxmox: Counted<ProxmoxReader>;
}

/** A lab with both APIs behind counting proxies, and counted readers on the real adapters. */
async function openLab(scenario: string): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), `diag-${scenario}-`));
  const lab = await startLab({ dir, scenario, notReadyGraceSeconds: 1, crashLoopSeconds: 1 });
  lab.settle();
  const tls = JSON.parse(readFileSync(join(dir, 'tls.json'), 'utf8')) as { certPem: string; keyPem: string; caPem: string };
  const kubeProxy = await startCountingProxy(lab.kube.url, tls);
  const pveProxy = await startCountingProxy(lab.proxmox.url, tls);
  const kubeconfig = join(dir, 'kubeconfig.counted');
  writeFileSync(kubeconfig, readFileSync(lab.kubeconfigPath, 'utf8').replace(lab.kube.url, kubeProxy.url));
  const envFile = join(dir, 'proxmox.counted.env');
  writeFileSync(envFile, readFileSync(lab.proxmoxEnvPath, 'utf8').replace(lab.proxmox.url, pveProxy.url));
  const kube = countKube((await createKubeAdapters({ kubeconfig })).reader);
  // As the CLI reads it: the lab's proxmox.env names its inventory, which maps the dead node to its VM.
  const target = resolveProxmoxTarget({ proxmoxEnvFile: envFile }, {});
  const client = readOnly(await ProxmoxApiClient.connect(target));
  const proxmox = countProxmox(target.inventoryFile ? withInventory(client, loadInventory(target.inventoryFile)) : client);
  return { lab, dir, kubeProxy, pveProxy, kube, proxmox };
}

async function closeLab(h: Harness | undefined): Promise<void> {
  if (!h) return;
  await h.kubeProxy.close();
  await h.pveProxy.close();
  await h.lab.stop();
  rmSync(h.dir, { recursive: true, force: true });
}

const LIST_KINDS = ['Node', 'Pod', 'PersistentVolume', 'PersistentVolumeClaim', 'Event', 'HelmRelease', 'Kustomization', 'PriorityClass'];
const COLLECTIONS = ['/api/v1/nodes', '/api/v1/pods', '/api/v1/persistentvolumes', '/api/v1/persistentvolumeclaims', '/api/v1/events', '/apis/helm.toolkit.fluxcd.io/v2/helmreleases', '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations', '/apis/scheduling.k8s.io/v1/priorityclasses'];
/** Discovery documents: /api, /apis, /api/v1, /apis/GROUP/VERSION (no resource). */
const isDiscovery = (path: string) => /^\/(api|apis)(\/v1|\/[^/]+\/[^/]+)?$/.test(path) || path.startsWith('/openapi');

const byId = (findings: Finding[], id: string): Finding => {
  const f = findings.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id}; have ${findings.map((x) => x.id).join(', ')}`);
  return f;
};
const at = (findings: Finding[], id: string) => findings.findIndex((x) => x.id === id);

describe('diagnose on the incident-2025-08 lab', () => {
  let h: Harness | undefined;
  let findings: Finding[] = [];
  beforeAll(async () => {
    h = await openLab('incident-2025-08');
    findings = await diagnose({ kube: h.kube.reader, proxmox: h.proxmox.reader });
  });
  afterAll(() => closeLab(h));

  it('finds the ballooning: 516Mi seen of 4096 MiB on k3s-replica-0, the host overcommitted', () => {
    const balloon = byId(findings, 'ballooning:k3s-replica-0');
    expect(balloon).toMatchObject({ check: 'proxmox.ballooning', severity: 'critical', objects: ['node/k3s-replica-0', 'qemu/111'] });
    expect(balloon.evidence).toEqual(['memory 4096 MiB, balloon 516 MiB on PVE node pve', 'node reports memory capacity 516Mi']);
    expect(balloon.fix?.runbook).toBe('fix-ballooning');
    expect(balloon.fix?.params.nodes).toEqual(['k3s-replica-0']);
    expect(byId(findings, 'capacity:k3s-replica-0').evidence[0]).toBe('configured 4096 MiB, node capacity 516Mi (13%)');
    expect(byId(findings, 'capacity:k3s-server-0').evidence[0]).toBe('configured 2048 MiB, node capacity 1228Mi (60%)');
    const host = byId(findings, 'host-overcommit:pve');
    expect(host.title).toContain('14336 MiB, it has 12288 MiB (117%)');
    expect(host.fix).toEqual({ runbook: 'fix-ballooning', params: { nodes: ['k3s-replica-0', 'k3s-replica-1', 'k3s-server-0', 'k3s-server-1', 'k3s-server-2'], memory: 2048 } });
    expect(host.causes).toContain('ballooning:k3s-replica-0');
  });

  it('finds k3s-replica-2 dead, its VM gone, with the prometheus and alertmanager claims pinned to it', () => {
    const dead = byId(findings, 'dead-node:k3s-replica-2');
    expect(dead.severity).toBe('critical');
    // The lab's inventory maps the node to VM 113, and PVE says it does not exist: proof, not a guess.
    expect(dead.evidence).toContain("its VM 113 does not exist any more (read config of VM 113: Configuration file 'nodes/pve/qemu-server/113.conf' does not exist)");
    expect(dead.objects).toEqual(expect.arrayContaining([
      'node/k3s-replica-2',
      'pvc/monitoring/prometheus-kube-prometheus-stack-prometheus-db-prometheus-kube-prometheus-stack-prometheus-0',
      'pvc/monitoring/alertmanager-kube-prometheus-stack-alertmanager-db-alertmanager-kube-prometheus-stack-alertmanager-0',
      'pv/pvc-3f0c2a8e-6d4b-4c1e-9a57-0b8e2d1f4c63',
    ]));
    expect(dead.fix).toEqual({ runbook: 'purge-dead-node', params: { node: 'k3s-replica-2' } });
    const pending = findings.filter((f) => f.check === 'pod.pending').map((f) => f.id).sort();
    expect(pending).toEqual(['pending:monitoring/alertmanager-kube-prometheus-stack-alertmanager-0', 'pending:monitoring/prometheus-kube-prometheus-stack-prometheus-0']);
    expect(dead.causes).toEqual(expect.arrayContaining(pending));
    expect(byId(findings, pending[1]!).evidence).toEqual(expect.arrayContaining(['2 Insufficient memory', '2 node(s) had volume node affinity conflict']));
  });

  it('finds MetalLB FRR without memory limits, OOM-killed by the kernel on the squeezed nodes', () => {
    const noLimit = byId(findings, 'no-memory-limit:metallb-system/speaker/frr');
    expect(noLimit.severity).toBe('critical');
    expect(noLimit.evidence[0]).toBe('container frr: resources.limits.memory not set');
    const oom = byId(findings, 'oom-killed:metallb-system/speaker/frr');
    expect(oom.severity).toBe('critical');
    expect(oom.evidence.filter((e) => e.includes('last OOMKilled (exit 137)') && e.includes('no memory limit'))).toHaveLength(3);
    const pressure = byId(findings, 'node-memory:k3s-replica-0');
    expect(pressure.evidence[0]).toMatch(/^SystemOOM x\d+, victims: (zebra|bgpd|staticd)/);
    expect(pressure.evidence).toContain('capacity 516Mi, allocatable 416Mi');
    expect(pressure.causes).toContain(oom.id);
    expect(noLimit.causes).toContain(oom.id);
  });

  it('finds the RetriesExceeded HelmRelease, the DependencyNotReady chain traced to MetalLB, the rejected system-infrastructure', () => {
    const hr = byId(findings, 'helmrelease:metallb-system/metallb');
    expect(hr.severity).toBe('critical');
    expect(hr.evidence[0]).toBe('Ready=False RetriesExceeded: Helm upgrade failed for release metallb-system/metallb with chart metallb@0.14.8: etcdserver: leader changed');
    expect(hr.fix).toEqual({ runbook: 'unstick-metallb', params: { namespace: 'metallb-system', release: 'metallb', 'flux-namespace': 'flux-system', root: 'infra-controllers' } });
    const chain = byId(findings, 'kustomization:flux-system/infra-controllers');
    expect(chain.check).toBe('flux.dependency-chain');
    expect(chain.evidence).toContain('chain: kustomization/flux-system/apps -> kustomization/flux-system/infra-configs -> kustomization/flux-system/infra-controllers -> helmrelease/metallb-system/metallb');
    expect(hr.causes).toContain(chain.id);
    const pc = byId(findings, 'reserved-priorityclass:system-infrastructure');
    expect(pc.evidence).toContain('event ReconciliationFailed on kustomization/flux-system/infra-controllers: PriorityClass/system-infrastructure dry-run failed (Invalid)');
    expect(pc.causes).toContain(chain.id);
    const etcd = byId(findings, 'etcd-instability');
    expect(etcd.causes).toContain(hr.id);
    expect(byId(findings, 'node-memory:k3s-server-0').causes).toContain(etcd.id);
  });

  it('orders root causes first: ballooning -> node memory -> OOM kills -> HelmRelease -> Kustomizations; dead node -> Pending', () => {
    const chain = ['host-overcommit:pve', 'ballooning:k3s-replica-0', 'capacity:k3s-replica-0', 'node-memory:k3s-replica-0', 'oom-killed:metallb-system/speaker/frr', 'helmrelease:metallb-system/metallb', 'kustomization:flux-system/infra-controllers'];
    const positions = chain.map((id) => at(findings, id));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(at(findings, 'dead-node:k3s-replica-2')).toBeLessThan(at(findings, 'pending:monitoring/prometheus-kube-prometheus-stack-prometheus-0'));
    // Every link points forward: no symptom before its cause.
    for (const [i, f] of findings.entries()) for (const c of f.causes ?? []) expect(at(findings, c), `${f.id} -> ${c}`).toBeGreaterThan(i);
  });

  it('read each resource type with one list, nothing per object; Proxmox: one VM list, one config per node VM, one host status', () => {
    expect(h!.kube.calls.filter((c) => c.startsWith('list')).sort()).toEqual(LIST_KINDS.map((k) => `list ${k}`).sort());
    expect(h!.kube.calls.filter((c) => !c.startsWith('list'))).toEqual(['ready']);
    // pve/113: the dead node's VM (from the inventory), asked directly for proof that it is gone.
    expect(h!.proxmox.calls.sort()).toEqual(['getNodeStatus pve', 'getVmConfig pve/101', 'getVmConfig pve/102', 'getVmConfig pve/103', 'getVmConfig pve/111', 'getVmConfig pve/112', 'getVmConfig pve/113', 'listVms']);
  });

  it('on the wire: one GET per collection, /readyz once, otherwise only discovery; Proxmox 8 GETs', () => {
    const reqs = h!.kubeProxy.requests;
    for (const c of COLLECTIONS) expect(reqs.filter((r) => r.path === c), c).toHaveLength(1);
    expect(reqs.filter((r) => r.path === '/readyz')).toHaveLength(1);
    const other = reqs.filter((r) => !COLLECTIONS.includes(r.path) && r.path !== '/readyz');
    expect(other.filter((r) => !isDiscovery(r.path))).toEqual([]);
    // Discovery at most once per group-version (the core group, helm, kustomize, scheduling).
    expect(other.map((r) => r.path).sort()).toEqual([...new Set(other.map((r) => r.path))].sort());
    expect(reqs.length).toBeLessThanOrEqual(COLLECTIONS.length + 1 + 4);
    expect(reqs.every((r) => r.method === 'GET')).toBe(true);
    const pve = h!.pveProxy.requests.map((r) => `${r.method} ${r.path}`).sort();
    expect(pve).toEqual([
      'GET /api2/json/cluster/resources',
      'GET /api2/json/nodes/pve/qemu/101/config',
      'GET /api2/json/nodes/pve/qemu/102/config',
      'GET /api2/json/nodes/pve/qemu/103/config',
      'GET /api2/json/nodes/pve/qemu/111/config',
      'GET /api2/json/nodes/pve/qemu/112/config',
      'GET /api2/json/nodes/pve/qemu/113/config',
      'GET /api2/json/nodes/pve/status',
    ]);
  });

  it('ten minutes on, the PV deleted at the start is stuck Terminating on pv-protection, caused by the dead node', async () => {
    const kube = (await createKubeAdapters({ kubeconfig: h!.lab.kubeconfigPath })).reader;
    const proxmox = readOnly(await ProxmoxApiClient.connect(resolveProxmoxTarget({ proxmoxEnvFile: h!.lab.proxmoxEnvPath }, {})));
    const later = await diagnose({ kube, proxmox }, { now: Date.now() + 10 * 60_000 });
    const stuck = byId(later, 'terminating:pv/pvc-3f0c2a8e-6d4b-4c1e-9a57-0b8e2d1f4c63');
    expect(stuck.title).toMatch(/^pv\/pvc-3f0c2a8e-6d4b-4c1e-9a57-0b8e2d1f4c63 Terminating for \d+m on finalizers kubernetes.io\/pv-protection$/);
    expect(stuck.evidence).toContain('bound to node k3s-replica-2 (not Ready or gone)');
    expect(stuck.fix).toEqual({ runbook: 'purge-dead-node', params: { node: 'k3s-replica-2' } });
    expect(byId(later, 'dead-node:k3s-replica-2').causes).toContain(stuck.id);
    expect(at(later, 'dead-node:k3s-replica-2')).toBeLessThan(at(later, stuck.id));
    // Now it is not yet stuck: a deletion seconds old is in progress.
    expect(findings.some((f) => f.check === 'object.stuck-terminating')).toBe(false);
  });

  it('computes each node memory commitment exactly as kubectl describe node prints it', async () => {
    const nodes = await h!.kube.reader.list({ apiVersion: 'v1', kind: 'Node' });
    const pods = await h!.kube.reader.list({ apiVersion: 'v1', kind: 'Pod' });
    for (const node of nodes) {
      const out = (await run('kubectl', ['--kubeconfig', h!.lab.kubeconfigPath, 'describe', 'node', node.metadata.name])).stdout;
      const row = /Allocated resources:[\s\S]*?\n\s+memory\s+(\S+ \(\d+%\))\s+(\S+ \(\d+%\))/.exec(out);
      const a = nodeAllocation(node, pods);
      expect([`${formatBytes(a.requests)} (${a.requestsPct}%)`, `${formatBytes(a.limits)} (${a.limitsPct}%)`], node.metadata.name).toEqual([row?.[1], row?.[2]]);
    }
  });
});

describe('diagnose on the healthy lab', () => {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await openLab('healthy');
  });
  afterAll(() => closeLab(h));

  it('finds nothing to act on (information only)', async () => {
    const findings = await diagnose({ kube: h!.kube.reader, proxmox: h!.proxmox.reader });
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // The one thing worth knowing: local-path-provisioner runs without a memory limit.
    expect(findings.map((f) => f.id)).toEqual(['no-memory-limit:kube-system/local-path-provisioner/local-path-provisioner']);
  });

  it('matches kubectl describe node with init containers, a sidecar and pod overhead', async () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'sidecar-math', namespace: 'default' },
      spec: {
        nodeName: 'k3s-server-2',
        overhead: { memory: '10Mi' },
        initContainers: [
          { name: 'copy', image: 'busybox', resources: { requests: { memory: '160Mi' }, limits: { memory: '180Mi' } } },
          { name: 'proxy', image: 'envoy', restartPolicy: 'Always', resources: { requests: { memory: '64Mi' }, limits: { memory: '64Mi' } } },
          { name: 'migrate', image: 'busybox', resources: { requests: { memory: '120Mi' }, limits: { memory: '150Mi' } } },
        ],
        containers: [
          { name: 'app', image: 'nginx', resources: { requests: { memory: '100Mi' }, limits: { memory: '200Mi' } } },
          { name: 'log', image: 'busybox', resources: { requests: { memory: '50Mi' } } },
        ],
      },
    };
    const file = join(h!.dir, 'pod.json');
    writeFileSync(file, JSON.stringify(manifest));
    await run('kubectl', ['--kubeconfig', h!.lab.kubeconfigPath, 'create', '-f', file]);
    const node = (await h!.kube.reader.list({ apiVersion: 'v1', kind: 'Node' })).find((n) => n.metadata.name === 'k3s-server-2')!;
    const pods = await h!.kube.reader.list({ apiVersion: 'v1', kind: 'Pod' });
    const out = (await run('kubectl', ['--kubeconfig', h!.lab.kubeconfigPath, 'describe', 'node', 'k3s-server-2'])).stdout;
    const row = /Allocated resources:[\s\S]*?\n\s+memory\s+(\S+ \(\d+%\))\s+(\S+ \(\d+%\))/.exec(out);
    const podRow = /default\s+sidecar-math\s+\S+ \(\d+%\)\s+\S+ \(\d+%\)\s+(\S+) \(\d+%\)\s+(\S+) \(\d+%\)/.exec(out);
    // requests max(100 + 50 + proxy 64, copy 160, migrate 120 + proxy 64) + overhead 10 = 224Mi;
    // limits max(200 + 64, 180, 150 + 64) + 10 = 274Mi: the sidecar is added, not max-ed
    expect([podRow?.[1], podRow?.[2]]).toEqual(['224Mi', '274Mi']);
    const pod = pods.find((p) => p.metadata.name === 'sidecar-math')!;
    expect([podRequests(pod).memory, podLimits(pod).memory]).toEqual([224 * 2 ** 20, 274 * 2 ** 20]);
    const a = nodeAllocation(node, pods);
    expect([`${formatBytes(a.requests)} (${a.requestsPct}%)`, `${formatBytes(a.limits)} (${a.limitsPct}%)`]).toEqual([row?.[1], row?.[2]]);
  });
});
