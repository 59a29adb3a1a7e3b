// Turns a scenario into the lab's initial state: a ProxmoxSpec for the simulator and the
// Kubernetes objects of a k3s cluster (nodes, their node-password secrets, workloads, local-path
// volumes, Flux objects, events). Node status is left to the simulated kubelets: a node whose
// VM runs posts Ready on the first controller pass; a node whose VM is gone keeps a stale
// heartbeat and goes Unknown with the unreachable taints.
import { createHash } from 'node:crypto';
import { valuesDigest } from './flux/helm-values.js';
import { LAB_REVISION } from './flux/kustomize-controller.js';
import { KubeStatusError, type KubeStore } from './kube/store.js';
import { ETCD_NODE_ADDRESS, ETCD_NODE_NAME, nodePasswordSecretName } from '../k3s-facts.js';
import { etcdMemberName, type EtcdMember } from './kubelet/etcd-members.js';
import { rfc3339 } from './kubelet/time.js';
import { LAB_ANNOTATIONS, type KubeObject } from './kubelet/types.js';
import type { ProxmoxSpec } from './proxmox/state.js';
import type { Scenario, ScenarioNode } from './scenario-schema.js';
import { parseDuration } from '../runbook/duration.js';
import { seedWorkload } from './scenario-workloads.js';

/** How long ago a node whose VM is gone last posted status. */
const DEAD_NODE_SILENCE_MS = 36 * 60 * 60 * 1000;

export function proxmoxSpecOf(scenario: Scenario, rebootSeconds?: number): ProxmoxSpec {
  const spec = structuredClone(scenario.proxmox) as ProxmoxSpec;
  if (rebootSeconds !== undefined) spec.rebootSeconds = rebootSeconds;
  return spec;
}

function nodeObject(n: ScenarioNode, index: number, scenario: Scenario, nowMs: number): KubeObject {
  const server = n.role === 'control-plane';
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/instance-type': 'k3s',
    'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': n.name, 'node.kubernetes.io/instance-type': 'k3s',
    ...(server ? { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true', 'node-role.kubernetes.io/etcd': 'true' } : {}),
    ...n.labels,
  };
  const annotations: Record<string, string> = { 'k3s.io/hostname': n.name, 'k3s.io/internal-ip': nodeIp(index), 'node.alpha.kubernetes.io/ttl': '0' };
  // k3s's etcd metadata controller (pkg/etcd/metadata_controller.go) names each server's member.
  if (server && n.etcdAnnotations !== false) Object.assign(annotations, { [ETCD_NODE_NAME]: etcdMemberName(n.name), [ETCD_NODE_ADDRESS]: nodeIp(index) });
  if (n.vmid !== undefined) annotations[LAB_ANNOTATIONS.vmid] = String(n.vmid);
  if (n.systemMemory) annotations[LAB_ANNOTATIONS.systemMemory] = n.systemMemory;
  const status: Record<string, unknown> = {
    addresses: [{ type: 'InternalIP', address: nodeIp(index) }, { type: 'Hostname', address: n.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64', operatingSystem: 'linux', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-37-amd64',
      containerRuntimeVersion: 'containerd://2.0.5-k3s1', kubeletVersion: scenario.kubernetes.version, kubeProxyVersion: scenario.kubernetes.version,
      machineID: createHash('md5').update(`machine/${n.name}`).digest('hex'), systemUUID: createHash('md5').update(`uuid/${n.name}`).digest('hex'),
      // a running VM's node gets its bootID from the simulated kubelet (it changes per VM start)
      ...(n.vm === 'absent' ? { bootID: createHash('md5').update(`boot/${n.name}`).digest('hex') } : {}),
    },
  };
  if (n.vm === 'absent') {
    const at = rfc3339(nowMs - DEAD_NODE_SILENCE_MS);
    const memory = n.lastKnownMemory ?? '0';
    status.capacity = { cpu: '2', memory, pods: '110' };
    status.allocatable = { cpu: '2', memory, pods: '110' };
    status.conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at }];
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, labels, annotations },
    spec: { podCIDR: podCidr(index), podCIDRs: [podCidr(index)], providerID: `k3s://${n.name}`, ...(n.unschedulable ? { unschedulable: true } : {}) },
    status,
  };
}

// Valid for any node count: 10.0.10.20 onwards, carrying into the third octet (was invalid past 235 nodes).
const nodeIp = (index: number) => `10.0.${10 + Math.floor((20 + index) / 256)}.${(20 + index) % 256}`;
/** The node's pod CIDR: 10.42.0.0/24, 10.42.1.0/24, ..., carrying into the second octet past 255 nodes. */
const podCidr = (index: number) => `10.${42 + Math.floor(index / 256)}.${index % 256}.0/24`;

/** How long before the lab's start a node joined, unless the scenario says. */
const DEFAULT_NODE_AGE = '30d';

/** The embedded etcd's members: one per server (control-plane) node, as k3s runs them. */
export function etcdMembersOf(scenario: Scenario): EtcdMember[] {
  return scenario.kubernetes.nodes.flatMap((n, i) => (n.role === 'control-plane' ? [{ name: etcdMemberName(n.name), address: nodeIp(i), node: n.name }] : []));
}

/** k3s's CoreDNS ConfigMap: its NodeHosts lines are kept by k3s's node controller. */
function corednsConfigMap(scenario: Scenario): KubeObject {
  const hosts = scenario.kubernetes.nodes.map((n, i) => `${nodeIp(i)} ${n.name}\n`).join('');
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: '.:53 {\n    hosts /etc/coredns/NodeHosts {\n      ttl 60\n      reload 15s\n      fallthrough\n    }\n    forward . /etc/resolv.conf\n}\n', NodeHosts: hosts } };
}

/** k3s keeps a hash of each agent's node password in kube-system/NAME.node-password.k3s. */
function nodePasswordSecret(name: string): KubeObject {
  const hash = `$1:${createHash('sha256').update(`salt/${name}`).digest('hex').slice(0, 16)}:15:8:1:${createHash('sha256').update(`password/${name}`).digest('base64')}`;
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: nodePasswordSecretName(name), namespace: 'kube-system', labels: { 'k3s.io/node-password': 'true' } }, type: 'Opaque', data: { hash: Buffer.from(hash).toString('base64') } };
}

function seedVolumes(store: KubeStore, scenario: Scenario): void {
  for (const v of scenario.kubernetes.volumes) {
    const storageClassName = v.storageClass ?? 'local-path';
    const pvName = v.pvName ?? `pvc-${createHash('sha256').update(`${v.namespace}/${v.claim}`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5')}`;
    const pvc = store.create({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: {
        name: v.claim, namespace: v.namespace, finalizers: ['kubernetes.io/pvc-protection'],
        annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path', 'volume.kubernetes.io/selected-node': v.node },
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: v.size } }, storageClassName, volumeMode: 'Filesystem', volumeName: pvName },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: v.size } },
    });
    store.create({
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name: pvName, finalizers: ['kubernetes.io/pv-protection'], annotations: { 'local.path.provisioner/selected-node': v.node, 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
      spec: {
        capacity: { storage: v.size }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName, volumeMode: 'Filesystem',
        hostPath: { path: `/var/lib/rancher/k3s/storage/${pvName}_${v.namespace}_${v.claim}`, type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [v.node] }] }] } },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: v.claim, namespace: v.namespace, uid: pvc.metadata.uid, resourceVersion: pvc.metadata.resourceVersion },
      },
      status: { phase: 'Bound' },
    });
    // The PV protection finalizer keeps a deleted PV while it is still bound: stuck.
    if (v.pvDeleting) store.delete('v1', 'PersistentVolume', pvName);
  }
  // StatefulSet claims not declared as volumes: unbound, provisioned where the pod lands.
  for (const w of scenario.kubernetes.workloads) {
    if (w.kind !== 'StatefulSet') continue;
    for (let i = 0; i < (w.replicas ?? 1); i++) {
      for (const t of w.volumeClaimTemplates ?? []) {
        const claim = `${t}-${w.name}-${i}`;
        if (store.get('v1', 'PersistentVolumeClaim', claim, w.namespace)) continue;
        store.create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: w.namespace, finalizers: ['kubernetes.io/pvc-protection'] }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local-path', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
      }
    }
  }
}

function condition(type: string, c: { status: string; reason: string; message: string }, at: string): Record<string, unknown> {
  return { type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: at, observedGeneration: 1 };
}

/**
 * Flux objects with the status helm-controller / kustomize-controller would have left: a Ready
 * release's history ends with its deployed revision (v5, in sync with the values); a failed
 * one's with the rollback (v4, the previous values) after the failed upgrade (v3) it counted,
 * so only a reset or a forced upgrade gets it going again.
 */
function seedFlux(store: KubeStore, scenario: Scenario, at: string): void {
  for (const hr of scenario.kubernetes.flux.helmReleases ?? []) {
    const conditions = [condition('Ready', hr.ready, at), ...(hr.stalled ? [condition('Stalled', hr.stalled, at)] : [])];
    const ready = hr.ready.status === 'True';
    const desired = valuesDigest(hr.values);
    const snapshot = (version: number, status: string, configDigest: string) => ({
      apiVersion: 'v2', digest: `sha256:${createHash('sha256').update(`${hr.namespace}/${hr.name}.v${version}`).digest('hex')}`, name: hr.name, namespace: hr.namespace, version, status,
      action: 'upgrade', chartName: hr.chart, chartVersion: hr.version, configDigest, firstDeployed: at, lastDeployed: at,
    });
    const history = ready ? [snapshot(5, 'deployed', desired)] : [snapshot(4, 'deployed', valuesDigest({ previous: hr.values ?? {} })), snapshot(3, 'superseded', desired)];
    store.create({
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: hr.name, namespace: hr.namespace },
      spec: { interval: '30m', chart: { spec: { chart: hr.chart, version: hr.version, sourceRef: hr.sourceRef } }, install: { remediation: { retries: 3 } }, upgrade: { remediation: { retries: 3 } }, ...(hr.values ? { values: hr.values } : {}) },
      status: {
        observedGeneration: 1, conditions, lastAttemptedRevision: hr.version, lastAttemptedGeneration: 1, lastAttemptedConfigDigest: desired, lastAttemptedReleaseAction: 'upgrade',
        storageNamespace: hr.namespace, helmChart: `${hr.sourceRef.namespace}/${hr.namespace}-${hr.name}`, history, ...(ready ? {} : { failures: 4, upgradeFailures: 4 }),
      },
    });
  }
  for (const k of scenario.kubernetes.flux.kustomizations ?? []) {
    const ready = k.ready.status === 'True';
    // cli-utils ObjMetadata ids (namespace_name_group_kind) with the version, as status.inventory holds them.
    const entries = (k.inventory ?? []).map((r) => {
      const [group, version] = r.apiVersion.includes('/') ? r.apiVersion.split('/') : ['', r.apiVersion];
      return { id: `${r.namespace ?? ''}_${r.name}_${group}_${r.kind}`, v: version };
    });
    store.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: k.name, namespace: k.namespace },
      spec: { interval: '10m', path: k.path, prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...(k.dependsOn?.length ? { dependsOn: k.dependsOn.map((name) => ({ name })) } : {}) },
      status: {
        observedGeneration: 1, conditions: [condition('Ready', k.ready, at)], lastAttemptedRevision: LAB_REVISION, ...(ready ? { lastAppliedRevision: LAB_REVISION } : {}),
        ...(entries.length ? { inventory: { entries } } : {}),
      },
    });
  }
}

function createIgnoringExisting(store: KubeStore, obj: KubeObject): void {
  try {
    store.create(obj);
  } catch (e) {
    if (!(e instanceof KubeStatusError && e.code === 409)) throw e;
  }
}

/** Fills an empty store with the scenario's cluster. */
export function seedKubeStore(store: KubeStore, scenario: Scenario, nowMs: number = Date.now()): void {
  const k = scenario.kubernetes;
  const at = rfc3339(nowMs);
  store.seedDefaults();
  for (const ns of k.namespaces) createIgnoringExisting(store, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  k.nodes.forEach((n, i) => {
    store.create(nodeObject(n, i, scenario, nowMs), { createdAt: rfc3339(nowMs - parseDuration(n.age ?? DEFAULT_NODE_AGE)) });
    store.create(nodePasswordSecret(n.name));
  });
  if (!k.objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'coredns' && o.metadata.namespace === 'kube-system')) store.create(corednsConfigMap(scenario));
  for (const pc of k.priorityClasses) {
    store.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value, preemptionPolicy: 'PreemptLowerPriority', ...(pc.description ? { description: pc.description } : {}) });
  }
  for (const o of k.objects) store.create(o as KubeObject);
  seedVolumes(store, scenario);
  for (const w of k.workloads) seedWorkload(store, scenario, w, nowMs);
  for (const p of k.pdbs) {
    store.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: p.name, namespace: p.namespace }, spec: { selector: { matchLabels: p.selector }, ...(p.minAvailable !== undefined ? { minAvailable: p.minAvailable } : {}), ...(p.maxUnavailable !== undefined ? { maxUnavailable: p.maxUnavailable } : {}) } });
  }
  seedFlux(store, scenario, at);
  const involved = (ref: { apiVersion: string; kind: string; name: string; namespace?: string }): KubeObject =>
    store.get(ref.apiVersion, ref.kind, ref.name, ref.namespace) ?? { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
  for (const e of k.events) {
    const made = store.recordEvent(involved(e.involved), { type: e.type, reason: e.reason, message: e.message, component: e.component });
    // The incident's events happened before the moment the lab reproduces, not at its start.
    if (e.ago) {
      const at = rfc3339(nowMs - parseDuration(e.ago));
      store.mutate('v1', 'Event', made.metadata.name, made.metadata.namespace, (ev) => Object.assign(ev, { firstTimestamp: at, lastTimestamp: at }));
    }
  }
  for (const r of k.rejected) {
    let refusal: string | undefined;
    try {
      store.create(r.object as KubeObject, { dryRun: true });
    } catch (e) {
      if (!(e instanceof KubeStatusError)) throw e;
      refusal = e.message;
    }
    if (refusal === undefined) throw new Error(`scenario ${scenario.name}: ${r.object.kind} ${r.object.metadata.name} was expected to be rejected but the apiserver accepts it`);
    store.recordEvent(involved(r.event.involved), { ...r.event, message: r.event.message.replaceAll('{error}', refusal) });
  }
}
