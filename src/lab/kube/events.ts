// core/v1 Events as the kubelet, scheduler and node controller record them (client-go
// tools/record: name `<object>.<hex>`, involvedObject, source.component, count, timestamps).
import { randomBytes } from 'node:crypto';
import { now } from './object-meta.js';
import type { KubeObject, ObjectWriter } from './types.js';

export interface EventSpec { type: 'Normal' | 'Warning'; reason: string; message: string; component: string }

function eventFor(involved: KubeObject, e: EventSpec, namespace: string): KubeObject {
  const at = now();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
    involvedObject: {
      apiVersion: involved.apiVersion, kind: involved.kind, name: involved.metadata.name, uid: involved.metadata.uid,
      resourceVersion: involved.metadata.resourceVersion, ...(involved.metadata.namespace ? { namespace: involved.metadata.namespace } : {}),
    },
    reason: e.reason, message: e.message, type: e.type, source: { component: e.component },
    firstTimestamp: at, lastTimestamp: at, count: 1, reportingComponent: e.component, reportingInstance: '',
  };
}

/** Same involved object, reason, message, type and source: what the correlator aggregates. */
function isRepeatOf(existing: KubeObject, involved: KubeObject, e: EventSpec): boolean {
  const io = existing.involvedObject as { kind?: string; name?: string; uid?: string } | undefined;
  return io?.kind === involved.kind && io.name === involved.metadata.name && io.uid === involved.metadata.uid
    && existing.reason === e.reason && existing.message === e.message && existing.type === e.type
    && (existing.source as { component?: string } | undefined)?.component === e.component;
}

/** KubeStore.recordEvent: events about cluster-scoped objects (nodes) go to "default", like the kubelet's. */
export function recordEventIn(store: ObjectWriter, involved: KubeObject, e: EventSpec): KubeObject {
  const namespace = involved.metadata.namespace ?? 'default';
  if (!store.get('v1', 'Namespace', namespace)) store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  // client-go's EventCorrelator: a repeat of the same event bumps count and lastTimestamp.
  const same = store.list('v1', 'Event', { namespace, fieldSelector: `involvedObject.name=${involved.metadata.name},reason=${e.reason}` }).find((o) => isRepeatOf(o, involved, e));
  if (same) {
    return store.mutate('v1', 'Event', same.metadata.name, namespace, (o) => {
      o.count = (typeof o.count === 'number' ? o.count : 1) + 1;
      o.lastTimestamp = now();
    });
  }
  return store.create(eventFor(involved, e, namespace));
}
