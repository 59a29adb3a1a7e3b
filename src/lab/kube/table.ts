// meta.k8s.io/v1 Table answers for `kubectl get` (it asks with Accept: ...;as=Table;...).
// Columns and cell values follow pkg/printers/internalversion/printers.go for the kinds we
// show in the lab; other kinds get Name + Age, CRDs their additionalPrinterColumns.
import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';
import { AGE, age, col, get, NAME, str } from './table-cells.js';
import type { Cells, Column } from './table-cells.js';
import { WORKLOAD_TABLES } from './table-workloads.js';

type Cond = { type: string; status: string; message?: string };
const conditions = (o: KubeObject): Cond[] => (get(o, 'status', 'conditions') as Cond[] | undefined) ?? [];

function nodeStatus(o: KubeObject): string {
  const ready = conditions(o).find((c) => c.type === 'Ready');
  // As printNode (pkg/printers/internalversion/printers.go): any status but True is NotReady;
  // Unknown only when there is no Ready condition at all.
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (get(o, 'spec', 'unschedulable') === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeAddress(o: KubeObject, type: string): string {
  return str(((get(o, 'status', 'addresses') as { type: string; address: string }[] | undefined) ?? []).find((a) => a.type === type)?.address);
}

type ContainerStatus = { ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } };

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const reason = get(o, 'status', 'reason');
  if (typeof reason === 'string' && reason) return reason;
  for (const cs of (get(o, 'status', 'containerStatuses') as ContainerStatus[] | undefined) ?? []) {
    const r = cs.state?.waiting?.reason ?? cs.state?.terminated?.reason;
    if (r) return r;
  }
  return str(get(o, 'status', 'phase'), 'Unknown');
}

function podCells(o: KubeObject): unknown[] {
  const statuses = (get(o, 'status', 'containerStatuses') as ContainerStatus[] | undefined) ?? [];
  const containers = ((get(o, 'spec', 'containers') as unknown[] | undefined) ?? []).length;
  const ready = statuses.filter((s) => s.ready).length;
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  return [o.metadata.name, `${ready}/${containers}`, podStatus(o), restarts, age(o.metadata.creationTimestamp),
    str(get(o, 'status', 'podIP')), str(get(o, 'spec', 'nodeName')), str(get(o, 'status', 'nominatedNodeName')), '<none>'];
}

const BY_KIND: Record<string, { columns: Column[]; cells: Cells }> = {
  ...WORKLOAD_TABLES,
  Node: {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    cells: (o) => [o.metadata.name, nodeStatus(o), nodeRoles(o), age(o.metadata.creationTimestamp), str(get(o, 'status', 'nodeInfo', 'kubeletVersion'), ''),
      nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'), str(get(o, 'status', 'nodeInfo', 'osImage'), '<unknown>'), str(get(o, 'status', 'nodeInfo', 'kernelVersion'), '<unknown>'), str(get(o, 'status', 'nodeInfo', 'containerRuntimeVersion'), '<unknown>')],
  },
  Pod: {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts', 'string'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: podCells,
  },
  Namespace: { columns: [NAME, col('Status'), AGE], cells: (o) => [o.metadata.name, str(get(o, 'status', 'phase'), ''), age(o.metadata.creationTimestamp)] },
  PersistentVolume: {
    columns: [NAME, col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'), col('VolumeAttributesClass'), col('Reason'), AGE],
    cells: (o) => {
      const claim = get(o, 'spec', 'claimRef') as { namespace?: string; name?: string } | undefined;
      const modes = ((get(o, 'spec', 'accessModes') as string[] | undefined) ?? []).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(',');
      return [o.metadata.name, str(get(o, 'spec', 'capacity', 'storage'), ''), modes, str(get(o, 'spec', 'persistentVolumeReclaimPolicy'), ''),
        o.metadata.deletionTimestamp ? 'Terminating' : str(get(o, 'status', 'phase'), ''), claim ? `${claim.namespace}/${claim.name}` : '',
        str(get(o, 'spec', 'storageClassName'), ''), '<unset>', str(get(o, 'status', 'reason'), ''), age(o.metadata.creationTimestamp)];
    },
  },
  PodDisruptionBudget: {
    columns: [NAME, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), AGE],
    cells: (o) => [o.metadata.name, str(get(o, 'spec', 'minAvailable'), 'N/A'), str(get(o, 'spec', 'maxUnavailable'), 'N/A'), get(o, 'status', 'disruptionsAllowed') ?? 0, age(o.metadata.creationTimestamp)],
  },
  PriorityClass: {
    columns: [NAME, col('Value', 'integer'), col('Global-Default', 'boolean'), AGE, col('PreemptionPolicy')],
    cells: (o) => [o.metadata.name, o.value ?? 0, o.globalDefault === true, age(o.metadata.creationTimestamp), str(o.preemptionPolicy, 'PreemptLowerPriority')],
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells: (o) => [age(o.lastTimestamp ?? o.metadata.creationTimestamp), str(o.type, ''), str(o.reason, ''),
      `${String(get(o, 'involvedObject', 'kind') ?? '').toLowerCase()}/${String(get(o, 'involvedObject', 'name') ?? '')}`, str(o.message, '')],
  },
};

/** The subset of JSONPath that printer columns use: `.a.b` and `.a.list[?(@.k=="v")].f`. */
function jsonPathValue(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.replace(/^\./, '').match(/[^.[\]]+(\[\?\(@\.\w+=="[^"]*"\)\])?/g) ?? []) {
    const m = /^([^[]+)\[\?\(@\.(\w+)=="([^"]*)"\)\]$/.exec(part);
    if (m) cur = ((get(cur, m[1]!) as Record<string, unknown>[] | undefined) ?? []).find((e) => e[m[2]!] === m[3]);
    else cur = get(cur, part);
  }
  return cur;
}

function describe(t: ResourceType): { columns: Column[]; cells: Cells } {
  const known = BY_KIND[t.kind];
  if (known) return known;
  if (t.printerColumns) {
    // The CRD's columns in its own order after NAME (Flux's put Age first), as the server's
    // table convertor does; a date column prints as an age.
    const columns = t.printerColumns;
    return {
      columns: [NAME, ...columns.map((c) => col(c.name, c.type, c.priority ?? 0))],
      cells: (o) => [o.metadata.name, ...columns.map((c) => (c.type === 'date' ? age(str(jsonPathValue(o, c.jsonPath), '')) : str(jsonPathValue(o, c.jsonPath), '')))],
    };
  }
  return { columns: [NAME, AGE], cells: (o) => [o.metadata.name, age(o.metadata.creationTimestamp)] };
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTable(t: ResourceType, items: KubeObject[], listMeta: Record<string, unknown>): object {
  const { columns, cells } = describe(t);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({ priority: 0, description: '', format: '', ...c })),
    rows: items.map((o) => ({ cells: cells(o), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
  };
}
