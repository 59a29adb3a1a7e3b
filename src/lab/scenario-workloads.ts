// Seeds a scenario's workloads: the owning DaemonSet / Deployment (+ ReplicaSet) / StatefulSet
// and their pods, named the way the controllers name them. Pods pinned to a node are seeded
// Running as their kubelet last reported them (a dead node's pods keep that status); the
// others are left Pending for the lab scheduler.
import { createHash } from 'node:crypto';
import { stableSuffix } from './kubelet/names.js';
import { rfc3339 } from './kubelet/time.js';
import { LAB_ANNOTATIONS, type KubeObject } from './kubelet/types.js';
import type { KubeStore } from './kube/store.js';
import type { Scenario, ScenarioContainer, ScenarioWorkload } from './scenario-schema.js';


function containerSpec(c: ScenarioContainer): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  if (c.requests) resources.requests = c.requests;
  if (c.limits) resources.limits = c.limits;
  return { name: c.name, image: c.image, imagePullPolicy: 'IfNotPresent', resources };
}

/** Tolerations the apiserver (DefaultTolerationSeconds) or the DaemonSet controller adds. */
function tolerations(kind: ScenarioWorkload['kind']): Record<string, unknown>[] {
  if (kind === 'DaemonSet') {
    return [
      ...['not-ready', 'unreachable'].map((k) => ({ key: `node.kubernetes.io/${k}`, operator: 'Exists', effect: 'NoExecute' })),
      ...['disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable'].map((k) => ({ key: `node.kubernetes.io/${k}`, operator: 'Exists', effect: 'NoSchedule' })),
    ];
  }
  return ['not-ready', 'unreachable'].map((k) => ({ key: `node.kubernetes.io/${k}`, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }));
}

/** What the containers really use, as the pod annotation the simulated kubelet reads (`fresh`: started anew). */
function usageAnnotations(w: ScenarioWorkload, fresh = false): Record<string, string> | undefined {
  const memoryOf = (c: ScenarioContainer) => (fresh ? (c.usageAfterRestart ?? c.usage) : c.usage);
  const usage = Object.fromEntries(w.containers.filter((c) => memoryOf(c) || c.processes).map((c) => [c.name, { ...(memoryOf(c) ? { memory: memoryOf(c) } : {}), ...(c.processes ? { processes: c.processes } : {}) }]));
  return Object.keys(usage).length ? { [LAB_ANNOTATIONS.usage]: JSON.stringify(usage) } : undefined;
}

function podTemplate(w: ScenarioWorkload, labels: Record<string, string>): Record<string, unknown> {
  const annotations = usageAnnotations(w, true);
  return {
    // The usage annotation rides on the template so pods recreated by the lab's controllers get
    // it, with the figure of a freshly started container (a leaking one starts small again).
    metadata: { labels, ...(annotations ? { annotations } : {}) },
    spec: {
      containers: w.containers.map(containerSpec),
      ...(w.initContainers ? { initContainers: w.initContainers.map(containerSpec) } : {}),
      ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
      ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
      ...(w.claims?.length ? { volumes: w.claims.map((claimName) => ({ name: claimName.slice(0, 63), persistentVolumeClaim: { claimName } })) } : {}),
      tolerations: tolerations(w.kind),
    },
  };
}

interface PodPlan {
  name: string;
  nodeName?: string;
  claims: string[];
  labels: Record<string, string>;
}

function runningStatus(w: ScenarioWorkload, pod: PodPlan, nodeIndex: number, at: string): Record<string, unknown> {
  const containerStatuses = w.containers.map((c) => ({
    name: c.name,
    image: c.image,
    imageID: `${c.image.split(':')[0]}@sha256:${createHash('sha256').update(c.image).digest('hex')}`,
    containerID: `containerd://${createHash('sha256').update(`${pod.name}/${c.name}`).digest('hex')}`,
    ready: true,
    started: true,
    restartCount: c.restartCount ?? 0,
    state: { running: { startedAt: at } },
  }));
  // Pod IPs from the node's pod CIDR, spread by name (stable across runs).
  const ip = `10.42.${nodeIndex}.${2 + (createHash('sha256').update(pod.name).digest().readUInt16BE(0) % 250)}`;
  return {
    phase: 'Running',
    hostIP: `10.0.10.${20 + nodeIndex}`,
    podIP: ip,
    podIPs: [{ ip }],
    startTime: at,
    qosClass: w.containers.every((c) => !c.requests && !c.limits) ? 'BestEffort' : 'Burstable',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at })),
    containerStatuses,
  };
}

function plans(w: ScenarioWorkload, scenario: Scenario, labels: Record<string, string>, ownerName: string): PodPlan[] {
  if (w.kind === 'DaemonSet') {
    const nodes = w.nodes ?? scenario.kubernetes.nodes.map((n) => n.name);
    return nodes.map((node) => ({ name: `${w.name}-${stableSuffix(`${w.namespace}/${w.name}/${node}`, 5)}`, nodeName: node, claims: [], labels }));
  }
  const replicas = w.replicas ?? 1;
  return Array.from({ length: replicas }, (_, i) => {
    const name = w.kind === 'StatefulSet' ? `${w.name}-${i}` : `${ownerName}-${stableSuffix(`${ownerName}/${i}`, 5)}`;
    const claims = w.kind === 'StatefulSet' ? (w.volumeClaimTemplates ?? []).map((t) => `${t}-${w.name}-${i}`) : [];
    const podLabels = w.kind === 'StatefulSet' ? { ...labels, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) } : labels;
    return { name, ...(w.nodeName ? { nodeName: w.nodeName } : {}), claims, labels: podLabels };
  });
}

function ownerRef(o: KubeObject): Record<string, unknown> {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** Creates the workload's owner objects and pods in the store. */
export function seedWorkload(store: KubeStore, scenario: Scenario, w: ScenarioWorkload, nowMs: number): void {
  const at = rfc3339(nowMs);
  const labels = w.labels ?? { 'app.kubernetes.io/name': w.name };
  const template = podTemplate(w, labels);
  const selector = { matchLabels: labels };
  let owner: KubeObject;
  let templateLabels = labels;
  if (w.kind === 'Deployment') {
    const deploy = store.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: w.name, namespace: w.namespace, labels }, spec: { replicas: w.replicas ?? 1, selector, template }, status: { replicas: w.replicas ?? 1, observedGeneration: 1 } });
    const hash = stableSuffix(`${w.namespace}/${w.name}/template`, 10);
    templateLabels = { ...labels, 'pod-template-hash': hash };
    owner = store.create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: `${w.name}-${hash}`, namespace: w.namespace, labels: templateLabels, ownerReferences: [ownerRef(deploy)] },
      spec: { replicas: w.replicas ?? 1, selector: { matchLabels: templateLabels }, template: { ...template, metadata: { ...(template.metadata as object), labels: templateLabels } } },
      status: { replicas: w.replicas ?? 1, observedGeneration: 1 },
    });
  } else if (w.kind === 'StatefulSet') {
    const claimTemplates = (w.volumeClaimTemplates ?? []).map((name) => ({ metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }));
    owner = store.create({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: w.name, namespace: w.namespace, labels }, spec: { replicas: w.replicas ?? 1, selector, serviceName: w.name, template, volumeClaimTemplates: claimTemplates }, status: { replicas: w.replicas ?? 1, observedGeneration: 1 } });
  } else {
    const count = (w.nodes ?? scenario.kubernetes.nodes).length;
    owner = store.create({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: w.name, namespace: w.namespace, labels }, spec: { selector, template }, status: { desiredNumberScheduled: count, currentNumberScheduled: count, numberMisscheduled: 0, numberReady: 0, observedGeneration: 1 } });
  }
  const annotations = usageAnnotations(w);
  for (const pod of plans(w, scenario, templateLabels, owner.metadata.name)) {
    const nodeIndex = scenario.kubernetes.nodes.findIndex((n) => n.name === pod.nodeName);
    store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: pod.name,
        namespace: w.namespace,
        labels: pod.labels,
        ownerReferences: [ownerRef(owner)],
        ...(annotations ? { annotations } : {}),
      },
      spec: {
        ...(template.spec as object),
        ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
        volumes: [...pod.claims, ...(w.claims ?? [])].map((claimName) => ({ name: claimName.slice(0, 63), persistentVolumeClaim: { claimName } })),
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
      },
      status: pod.nodeName ? runningStatus(w, pod, nodeIndex, at) : { phase: 'Pending' },
    });
  }
}
