// API defaulting, as the real server applies it on every create and update before storing
// (SetDefaults_* in pkg/apis/{core,apps,batch}/v1/defaults.go, plus what the Priority and
// DefaultTolerationSeconds admission plugins add to a pod). Checked against kube-apiserver
// v1.20 in test/lab/kube: what `kubectl get -o yaml` shows on a real cluster, the lab shows too,
// and code that saves and restores objects (the run journal) meets the same fields.
import type { KubeObject } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objAt = (o: Obj, key: string): Obj | undefined => (isObj(o[key]) ? (o[key] as Obj) : undefined);
const listAt = (o: Obj, key: string): Obj[] => (Array.isArray(o[key]) ? (o[key] as unknown[]).filter(isObj) : []);

function setIfMissing(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** `:latest` or no tag pulls Always, anything else IfNotPresent (SetDefaults_Container). */
function pullPolicy(image: unknown): string {
  if (typeof image !== 'string' || image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: Obj | undefined): void {
  if (!probe) return;
  setIfMissing(probe, 'timeoutSeconds', 1);
  setIfMissing(probe, 'periodSeconds', 10);
  setIfMissing(probe, 'successThreshold', 1);
  setIfMissing(probe, 'failureThreshold', 3);
  const http = objAt(probe, 'httpGet');
  if (http) setIfMissing(http, 'scheme', 'HTTP');
}

function defaultContainer(c: Obj): void {
  setIfMissing(c, 'resources', {});
  setIfMissing(c, 'terminationMessagePath', '/dev/termination-log');
  setIfMissing(c, 'terminationMessagePolicy', 'File');
  setIfMissing(c, 'imagePullPolicy', pullPolicy(c.image));
  for (const p of listAt(c, 'ports')) setIfMissing(p, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(objAt(c, probe));
}

function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec) return;
  for (const c of [...listAt(spec, 'initContainers'), ...listAt(spec, 'containers')]) defaultContainer(c);
  setIfMissing(spec, 'restartPolicy', 'Always');
  setIfMissing(spec, 'terminationGracePeriodSeconds', 30);
  setIfMissing(spec, 'dnsPolicy', 'ClusterFirst');
  setIfMissing(spec, 'securityContext', {});
  setIfMissing(spec, 'schedulerName', 'default-scheduler');
  for (const v of listAt(spec, 'volumes')) {
    for (const source of ['configMap', 'secret']) {
      const s = objAt(v, source);
      if (s) setIfMissing(s, 'defaultMode', 420);
    }
  }
}

function defaultTemplate(spec: Obj | undefined): void {
  const template = spec && objAt(spec, 'template');
  if (!template) return;
  // The template's ObjectMeta is a struct: it always serializes a (null) creationTimestamp.
  const meta = objAt(template, 'metadata') ?? {};
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
  template.metadata = meta;
  defaultPodSpec(objAt(template, 'spec'));
}

/** The tolerations DefaultTolerationSeconds adds unless the pod has its own for these taints. */
function defaultTolerations(spec: Obj): void {
  const tolerations = listAt(spec, 'tolerations');
  const covers = (key: string) => tolerations.some((t) => (t.key === key || (t.key === undefined && t.operator === 'Exists')) && (t.effect === undefined || t.effect === 'NoExecute'));
  const added = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']
    .filter((key) => !covers(key))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }));
  if (added.length) spec.tolerations = [...tolerations, ...added];
}

const WORKLOAD_DEFAULTS: Record<string, (spec: Obj) => void> = {
  Deployment: (spec) => {
    setIfMissing(spec, 'replicas', 1);
    setIfMissing(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    setIfMissing(spec, 'revisionHistoryLimit', 10);
    setIfMissing(spec, 'progressDeadlineSeconds', 600);
  },
  ReplicaSet: (spec) => setIfMissing(spec, 'replicas', 1),
  StatefulSet: (spec) => {
    setIfMissing(spec, 'replicas', 1);
    setIfMissing(spec, 'podManagementPolicy', 'OrderedReady');
    setIfMissing(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    setIfMissing(spec, 'revisionHistoryLimit', 10);
    for (const claim of listAt(spec, 'volumeClaimTemplates')) {
      const claimSpec = objAt(claim, 'spec');
      if (claimSpec) setIfMissing(claimSpec, 'volumeMode', 'Filesystem');
    }
  },
  DaemonSet: (spec) => {
    setIfMissing(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    setIfMissing(spec, 'revisionHistoryLimit', 10);
  },
  Job: (spec) => {
    setIfMissing(spec, 'completions', 1);
    setIfMissing(spec, 'parallelism', 1);
    setIfMissing(spec, 'backoffLimit', 6);
  },
};

const BUILT_IN = new Set(['v1', 'apps/v1', 'batch/v1', 'batch/v1beta1']);

/** Fills in the server's defaults in place; `obj` is about to be stored (create or update). */
export function applyDefaults(obj: KubeObject): void {
  const spec = objAt(obj, 'spec');
  if (!spec || !BUILT_IN.has(obj.apiVersion)) return;
  switch (obj.kind) {
    case 'Node':
      return;
    case 'Pod':
      defaultPodSpec(spec);
      setIfMissing(spec, 'enableServiceLinks', true);
      if (spec.priorityClassName === undefined) setIfMissing(spec, 'priority', 0);
      defaultTolerations(spec);
      return;
    case 'PersistentVolumeClaim':
      setIfMissing(spec, 'volumeMode', 'Filesystem');
      return;
    case 'PersistentVolume':
      setIfMissing(spec, 'persistentVolumeReclaimPolicy', 'Retain');
      setIfMissing(spec, 'volumeMode', 'Filesystem');
      return;
    case 'CronJob': {
      setIfMissing(spec, 'concurrencyPolicy', 'Allow');
      setIfMissing(spec, 'suspend', false);
      setIfMissing(spec, 'successfulJobsHistoryLimit', 3);
      setIfMissing(spec, 'failedJobsHistoryLimit', 1);
      const jobSpec = objAt(objAt(spec, 'jobTemplate') ?? {}, 'spec');
      if (jobSpec) defaultTemplate(jobSpec);
      return;
    }
    default: {
      const workload = WORKLOAD_DEFAULTS[obj.kind];
      if (!workload) return;
      workload(spec);
      defaultTemplate(spec);
    }
  }
}
