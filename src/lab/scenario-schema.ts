// The lab scenario format: data (YAML) so users can describe their own broken clusters.
// Typed sections for what the simulation derives behaviour from (VMs, nodes, workloads,
// volumes, Flux status); `objects` passes any other Kubernetes object through as is.
import { z } from '../zod.js';
import { parseDuration } from '../runbook/duration.js';

const quantity = z.string().regex(/^[0-9.]+(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/, 'a Kubernetes quantity such as 512Mi');
const labels = z.record(z.string(), z.string());

const proxmoxSchema = z.strictObject({
  nodes: z.array(z.strictObject({ name: z.string(), memoryMiB: z.number().int().positive(), cpus: z.number().int().positive().optional(), online: z.boolean().optional() })).min(1),
  vms: z.array(
    z.strictObject({
      vmid: z.number().int().min(100),
      name: z.string(),
      node: z.string(),
      memory: z.number().int().positive(),
      balloon: z.number().int().min(0).optional(),
      cores: z.number().int().positive().optional(),
      status: z.enum(['running', 'stopped']).optional(),
      lock: z.string().optional(),
      tags: z.string().optional(),
    }),
  ),
  tokens: z.array(z.strictObject({ id: z.string().regex(/^[^@!\s]+@[^@!\s]+![A-Za-z][A-Za-z0-9._-]*$/, 'USER@REALM!TOKENID'), secret: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a lowercase UUID') })).min(1),
  users: z.array(z.strictObject({ userid: z.string(), password: z.string() })).optional(),
  rebootSeconds: z.number().min(0).optional(),
});

const kubeNodeSchema = z.strictObject({
  name: z.string(),
  role: z.enum(['control-plane', 'worker']),
  /** the backing VM; with `vm: absent` the VM was deleted in Proxmox but the Node object remains */
  vmid: z.number().int().optional(),
  vm: z.literal('absent').optional(),
  labels: labels.optional(),
  unschedulable: z.boolean().optional(),
  /** memory used outside pods (k3s, etcd, containerd) */
  systemMemory: quantity.optional(),
  /** capacity the node last reported (what a dead node keeps showing) */
  lastKnownMemory: quantity.optional(),
  /** how long ago it joined the cluster (its creationTimestamp), e.g. 120d; default 30d */
  age: z.string().refine((v) => {
    try {
      return parseDuration(v) >= 0;
    } catch {
      return false;
    }
  }, 'a duration such as 120d or 36h').optional(),
  /** control-plane only: false when k3s's etcd metadata controller never annotated it (etcd.k3s.cattle.io/node-name, node-address) */
  etcdAnnotations: z.boolean().optional(),
});

const resources = z.strictObject({ memory: quantity.optional(), cpu: quantity.optional() });
const containerSchema = z.strictObject({
  name: z.string(),
  image: z.string(),
  requests: resources.optional(),
  limits: resources.optional(),
  /** what the container really uses; above its limit it is OOM-killed */
  usage: quantity.optional(),
  /** what it uses when started afresh (a leak not grown yet): pods the lab's controllers create get this figure (default: usage) */
  usageAfterRestart: quantity.optional(),
  /** process names the kernel OOM killer reports (rotates per kill) */
  processes: z.array(z.string()).optional(),
  restartCount: z.number().int().min(0).optional(),
});

const workloadSchema = z.strictObject({
  kind: z.enum(['DaemonSet', 'Deployment', 'StatefulSet']),
  name: z.string(),
  namespace: z.string(),
  labels: labels.optional(),
  replicas: z.number().int().min(0).optional(),
  /** DaemonSet: the nodes it runs on (default all) */
  nodes: z.array(z.string()).optional(),
  /** pin every replica to this node (already bound); otherwise the scheduler places them */
  nodeName: z.string().optional(),
  priorityClassName: z.string().optional(),
  nodeSelector: labels.optional(),
  containers: z.array(containerSchema).min(1),
  initContainers: z.array(containerSchema).optional(),
  /** existing PVCs every replica mounts (declare them under volumes) */
  claims: z.array(z.string()).optional(),
  /** StatefulSet volumeClaimTemplates (names); claims are `TEMPLATE-NAME-ORDINAL` */
  volumeClaimTemplates: z.array(z.string()).optional(),
});

const volumeSchema = z.strictObject({
  claim: z.string(),
  namespace: z.string(),
  size: quantity,
  storageClass: z.string().optional(),
  /** local-path: the PV is pinned to this node */
  node: z.string(),
  pvName: z.string().optional(),
  /** someone ran `kubectl delete pv`: kubernetes.io/pv-protection keeps it, deletionTimestamp set */
  pvDeleting: z.boolean().optional(),
});

const conditionSchema = z.strictObject({ status: z.enum(['True', 'False', 'Unknown']), reason: z.string(), message: z.string() });
const involvedSchema = z.strictObject({ apiVersion: z.string(), kind: z.string(), name: z.string(), namespace: z.string().optional() });
/** `ago`: how long before the lab's start it happened (e.g. `45m`); default: at the start. */
const eventSchema = z.strictObject({ involved: involvedSchema, type: z.enum(['Normal', 'Warning']), reason: z.string(), message: z.string(), component: z.string(), ago: z.string().optional() });
const kubeObjectSchema = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }) });

const fluxSchema = z.strictObject({
  helmReleases: z.array(z.strictObject({
    name: z.string(), namespace: z.string(), chart: z.string(), version: z.string(), sourceRef: z.strictObject({ kind: z.string(), name: z.string(), namespace: z.string() }),
    values: z.record(z.string(), z.unknown()).optional(), ready: conditionSchema, stalled: conditionSchema.optional(),
  })).optional(),
  kustomizations: z.array(z.strictObject({
    name: z.string(), namespace: z.string(), path: z.string(), dependsOn: z.array(z.string()).optional(), ready: conditionSchema,
    /** objects it applied (status.inventory): with wait, its health check waits for them */
    inventory: z.array(involvedSchema).optional(),
  })).optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  proxmox: proxmoxSchema,
  kubernetes: z.strictObject({
    version: z.string().default('v1.32.5+k3s1'),
    nodes: z.array(kubeNodeSchema).min(1),
    namespaces: z.array(z.string()).default([]),
    priorityClasses: z.array(z.strictObject({ name: z.string(), value: z.number().int(), description: z.string().optional() })).default([]),
    workloads: z.array(workloadSchema).default([]),
    volumes: z.array(volumeSchema).default([]),
    pdbs: z.array(z.strictObject({ name: z.string(), namespace: z.string(), selector: labels, minAvailable: z.number().int().optional(), maxUnavailable: z.number().int().optional() })).default([]),
    flux: fluxSchema.default({}),
    events: z.array(eventSchema).default([]),
    /** objects the apiserver refused: seeding tries to create each, and records the refusal as an event (`{error}` = the apiserver's message) */
    rejected: z.array(z.strictObject({ object: kubeObjectSchema, event: eventSchema })).default([]),
    objects: z.array(kubeObjectSchema).default([]),
  }),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioWorkload = Scenario['kubernetes']['workloads'][number];
export type ScenarioContainer = ScenarioWorkload['containers'][number];
export type ScenarioNode = Scenario['kubernetes']['nodes'][number];
