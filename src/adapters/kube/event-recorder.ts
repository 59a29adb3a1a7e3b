// Every object a run changes gets a Kubernetes Event naming the runbook and the run id, so
// `kubectl get events` (and `kubectl describe`) tell the story without our journal. A failure
// to record an Event is reported and never fails the change itself.
import { refOf } from '../../kube-facts.js';
import type { KubeObject, KubeRef, KubeWriter } from '../ports.js';

interface RunIdentity {
  runbook: string;
  /** Known once the run starts: read lazily. */
  runId(): string | undefined;
}

const REASONS = { create: 'RunbookCreated', patch: 'RunbookPatched', delete: 'RunbookDeleted', evict: 'RunbookEvicted' } as const;
const VERBS = { create: 'created', patch: 'patched', delete: 'deleted', evict: 'evicted' } as const;

function eventFor(ref: KubeRef, uid: string | undefined, action: keyof typeof REASONS, who: RunIdentity): KubeObject {
  const now = new Date().toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    // Cluster-scoped objects' events live in `default`, as kubectl and the controllers do it.
    metadata: { name: '', generateName: `${ref.name}.runbook-`, namespace: ref.namespace ?? 'default' },
    involvedObject: { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), ...(uid ? { uid } : {}) },
    reason: REASONS[action],
    message: `runbook ${who.runbook} (run ${who.runId() ?? 'unknown'}) ${VERBS[action]} ${ref.kind.toLowerCase()}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`,
    type: action === 'delete' || action === 'evict' ? 'Warning' : 'Normal',
    source: { component: 'runbook' },
    reportingComponent: 'runbook',
    reportingInstance: who.runId() ?? 'runbook',
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}


export function recordingKubeWriter(inner: KubeWriter, who: RunIdentity, warn: (m: string) => void): KubeWriter {
  let warned = false;
  const record = async (ref: KubeRef, uid: string | undefined, action: keyof typeof REASONS) => {
    // Not the bookkeeping: Events themselves and the run lock's Lease.
    if (ref.kind === 'Event' || ref.kind === 'Lease') return;
    try {
      await inner.create(eventFor(ref, uid, action, who));
    } catch (e) {
      if (!warned) warn(`warning: could not record a Kubernetes Event (${e instanceof Error ? e.message : String(e)}); the run journal still has everything`);
      warned = true;
    }
  };
  return {
    get: (r) => inner.get(r),
    list: (q) => inner.list(q),
    waitFor: (r, until, o) => inner.waitFor(r, until, o),
    ready: () => inner.ready(),
    async create(obj) {
      const made = await inner.create(obj);
      await record(refOf(made), made.metadata.uid, 'create');
      return made;
    },
    async patch(ref, patch, type) {
      const out = await inner.patch(ref, patch, type);
      await record(ref, out.metadata.uid, 'patch');
      return out;
    },
    async delete(ref, options) {
      await inner.delete(ref, options);
      await record(ref, undefined, 'delete');
    },
    async evict(pod) {
      const result = await inner.evict(pod);
      if (result.evicted) await record(pod, undefined, 'evict');
      return result;
    },
  };
}
