// The resource types the diagnosis lists, each exactly once per run, and the fields of each it
// keeps: the reader projects every item as its page arrives, so at 10k pods the snapshot holds
// what the checks read, not the pods' full specs (tolerations, env, probes, managedFields...).
// The pod masks are typed against the interfaces the checks read pods through (objects.ts): a
// field added there and not here is a compile error, not a finding silently lost.
import type { FieldMask } from '../adapters/ports.js';
import type { Condition, ContainerSpec, ContainerStatus, PodSpec, PodStatus } from './objects.js';

type MaskOf<T> = { [K in keyof Required<T>]: true | FieldMask };

/** Object metadata as the checks read it: no uid, managedFields, resourceVersion or generation. */
const METADATA = { name: true, namespace: true, labels: true, annotations: true, ownerReferences: true, finalizers: true, deletionTimestamp: true } satisfies FieldMask;

const CONDITION = { type: true, status: true, reason: true, message: true, lastTransitionTime: true, lastHeartbeatTime: true } satisfies MaskOf<Condition>;
const CONTAINER = { name: true, image: true, resources: true, restartPolicy: true } satisfies MaskOf<ContainerSpec>;
const CONTAINER_STATUS = { name: true, restartCount: true, resources: true, state: true, lastState: true } satisfies MaskOf<ContainerStatus>;

const POD: FieldMask = {
  // workloadOf() reads the controller owner and the ReplicaSet's pod-template hash; no check reads a pod's annotations.
  metadata: { name: true, namespace: true, labels: { 'pod-template-hash': true }, ownerReferences: { kind: true, name: true, controller: true }, finalizers: true, deletionTimestamp: true },
  spec: {
    nodeName: true,
    containers: CONTAINER,
    initContainers: CONTAINER,
    overhead: true,
    priorityClassName: true,
    volumes: { name: true, persistentVolumeClaim: true },
  } satisfies MaskOf<PodSpec>,
  status: {
    phase: true,
    resize: true,
    // A pod's conditions are read for their state and message only (PodScheduled), never their times.
    conditions: { type: true, status: true, reason: true, message: true },
    containerStatuses: CONTAINER_STATUS,
    initContainerStatuses: CONTAINER_STATUS,
  } satisfies MaskOf<PodStatus>,
};

/** Everything but the metadata's bookkeeping. */
const WHOLE: FieldMask = { metadata: METADATA, spec: true, status: true };
/** Not a node's images, addresses or nodeInfo (often the largest part of it): no check reads them. */
const NODE: FieldMask = { metadata: METADATA, spec: true, status: { conditions: CONDITION, capacity: true, allocatable: true } };
/** core/v1 Event: its fields are at the top level (EventLike in objects.ts; lastSeenMs in recency.ts reads the creation time too). */
const EVENT: FieldMask = {
  metadata: { ...METADATA, creationTimestamp: true },
  type: true,
  reason: true,
  message: true,
  count: true,
  firstTimestamp: true,
  lastTimestamp: true,
  eventTime: true,
  involvedObject: true,
  series: true,
};

export const RESOURCES = {
  nodes: { apiVersion: 'v1', kind: 'Node', fields: NODE },
  pods: { apiVersion: 'v1', kind: 'Pod', fields: POD },
  pvs: { apiVersion: 'v1', kind: 'PersistentVolume', fields: WHOLE },
  pvcs: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', fields: WHOLE },
  events: { apiVersion: 'v1', kind: 'Event', fields: EVENT },
  helmReleases: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', fields: WHOLE },
  kustomizations: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', fields: WHOLE },
  priorityClasses: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass' },
} as const;

export type ResourceKey = keyof typeof RESOURCES;
