// Table columns of workloads, volumes claims, services and config objects
// (pkg/printers/internalversion/printers.go: printDeployment, printReplicaSet, printStatefulSet,
// printDaemonSet, printPersistentVolumeClaim, printService, printConfigMap, printSecret, printLease).
import type { KubeObject } from './types.js';
import { AGE, age, col, get, NAME, str } from './table-cells.js';
import type { Cells, Column } from './table-cells.js';

const num = (o: KubeObject, ...path: string[]) => (typeof get(o, ...path) === 'number' ? (get(o, ...path) as number) : 0);
const created = (o: KubeObject) => age(o.metadata.creationTimestamp);

function podTemplate(o: KubeObject): { containers: string; images: string } {
  const cs = (get(o, 'spec', 'template', 'spec', 'containers') as { name: string; image?: string }[] | undefined) ?? [];
  return { containers: cs.map((c) => c.name).join(','), images: cs.map((c) => c.image ?? '').join(',') };
}

function selector(v: unknown): string {
  const labels = (v && typeof v === 'object' ? ((v as { matchLabels?: Record<string, string> }).matchLabels ?? v) : {}) as Record<string, string>;
  const parts = Object.entries(labels).filter(([, val]) => typeof val === 'string').map(([k, val]) => `${k}=${val}`);
  return parts.length ? parts.join(',') : '<none>';
}

const WIDE = [col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)];
const wide = (o: KubeObject) => [podTemplate(o).containers, podTemplate(o).images, selector(get(o, 'spec', 'selector'))];

function ports(o: KubeObject): string {
  const list = (get(o, 'spec', 'ports') as { port: number; protocol?: string; nodePort?: number }[] | undefined) ?? [];
  return list.length ? list.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') : '<none>';
}

export const WORKLOAD_TABLES: Record<string, { columns: Column[]; cells: Cells }> = {
  Deployment: {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, ...WIDE],
    cells: (o) => [o.metadata.name, `${num(o, 'status', 'readyReplicas')}/${num(o, 'spec', 'replicas')}`, num(o, 'status', 'updatedReplicas'), num(o, 'status', 'availableReplicas'), created(o), ...wide(o)],
  },
  ReplicaSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, ...WIDE],
    cells: (o) => [o.metadata.name, num(o, 'spec', 'replicas'), num(o, 'status', 'replicas'), num(o, 'status', 'readyReplicas'), created(o), ...wide(o)],
  },
  StatefulSet: {
    columns: [NAME, col('Ready'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells: (o) => [o.metadata.name, `${num(o, 'status', 'readyReplicas')}/${num(o, 'spec', 'replicas')}`, created(o), podTemplate(o).containers, podTemplate(o).images],
  },
  DaemonSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE, ...WIDE],
    cells: (o) => [o.metadata.name, num(o, 'status', 'desiredNumberScheduled'), num(o, 'status', 'currentNumberScheduled'), num(o, 'status', 'numberReady'),
      num(o, 'status', 'updatedNumberScheduled'), num(o, 'status', 'numberAvailable'), selector(get(o, 'spec', 'template', 'spec', 'nodeSelector')), created(o), ...wide(o)],
  },
  PersistentVolumeClaim: {
    columns: [NAME, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), AGE, col('VolumeMode', 'string', 1)],
    cells: (o) => {
      const modes = ((get(o, 'status', 'accessModes') as string[] | undefined) ?? []).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(',');
      return [o.metadata.name, o.metadata.deletionTimestamp ? 'Terminating' : str(get(o, 'status', 'phase'), ''), str(get(o, 'spec', 'volumeName'), ''),
        str(get(o, 'status', 'capacity', 'storage'), ''), modes, str(get(o, 'spec', 'storageClassName'), ''), '<unset>', created(o), str(get(o, 'spec', 'volumeMode'), 'Filesystem')];
    },
  },
  Service: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    cells: (o) => [o.metadata.name, str(get(o, 'spec', 'type'), 'ClusterIP'), str(get(o, 'spec', 'clusterIP')), str((get(o, 'spec', 'externalIPs') as string[] | undefined)?.join(',')),
      ports(o), created(o), selector(get(o, 'spec', 'selector'))],
  },
  ConfigMap: { columns: [NAME, col('Data', 'integer'), AGE], cells: (o) => [o.metadata.name, Object.keys((o.data as object | undefined) ?? {}).length + Object.keys((o.binaryData as object | undefined) ?? {}).length, created(o)] },
  Secret: { columns: [NAME, col('Type'), col('Data', 'integer'), AGE], cells: (o) => [o.metadata.name, str(o.type, 'Opaque'), Object.keys((o.data as object | undefined) ?? {}).length, created(o)] },
  Lease: { columns: [NAME, col('Holder'), AGE], cells: (o) => [o.metadata.name, str(get(o, 'spec', 'holderIdentity'), ''), created(o)] },
};
