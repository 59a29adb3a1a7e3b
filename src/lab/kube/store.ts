// The lab API server's object store: one map of objects with the storage semantics of the
// real apiserver's generic registry (apiserver/pkg/registry/generic/registry/store.go):
// server-managed metadata, optimistic concurrency on resourceVersion, graceful deletion with
// finalizers, owner-reference cascading and a watch history. The HTTP server and the
// in-process controllers both go through it, so they see the same rules.
import { randomUUID } from 'node:crypto';
import { seedClusterDefaults } from './seed-cluster.js';
import { applyDefaults } from './defaulting.js';
import { checkPodUpdate } from './pod-update.js';
import { recordEventIn } from './events.js';
import type { EventSpec } from './events.js';
import { canonical, copy, generatedName, keyOf, now, pruneMeta, specPart, typeOf } from './object-meta.js';
import { groupResource, NAMESPACE_TYPE } from './resources.js';
import type { ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { alreadyExists, conflict, invalid, KubeStatusError, notFound, methodNotSupported } from './status.js';
import { requireName, validate } from './validation.js';

export { KubeStatusError };

import type { KubeObject, KubeStoreSnapshot, StoreEvent } from './types.js';

export type { KubeObject, KubeStoreSnapshot, StoreEvent, WatchEventType } from './types.js';

interface WriteOptions {
  /** dryRun=All: validate and answer, persist nothing. */
  dryRun?: boolean;
  /** Main-resource writes over HTTP: keep the stored status (only /status changes it). */
  keepStatus?: boolean;
  /** Writes to the /status subresource: only status changes. */
  statusOnly?: boolean;
  /** Seeding only: the creationTimestamp of an object that existed before the lab started. */
  createdAt?: string;
}
export interface DeleteOptions {
  dryRun?: boolean;
  /** Pods only: seconds the kubelet gets to stop it; default its terminationGracePeriodSeconds, 0 removes at once. */
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const HISTORY = 2000; // watch events kept for resumed watches

/** The TaintNodesByCondition admission plugin: a new node is not-ready until its controller sees it Ready. */
function taintNewNode(node: KubeObject): void {
  const spec = ((node.spec as Record<string, unknown> | undefined) ?? {}) as { taints?: { key: string; effect: string }[] };
  const taints = spec.taints ?? [];
  if (!taints.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoSchedule')) spec.taints = [...taints, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
  node.spec = spec;
}

/** podStrategy.CheckGracefulDelete: the asked period, else the pod's own; 0 for a pod never scheduled or already finished. */
function podGracePeriod(pod: KubeObject, asked: number | undefined): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  return Math.max(0, asked ?? spec.terminationGracePeriodSeconds ?? 30);
}

/** Stored objects are never changed in place (every write stores a new copy): freezing them makes a slip loud. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

/** Stored objects are frozen already (put): shared as they are; anything else is copied first. */
const frozen = (o: KubeObject): KubeObject => (Object.isFrozen(o) ? o : deepFreeze(copy(o)));

/** The key prefix every object of a type shares (`group/plural/`), as keyOf builds keys. */
const typePrefix = (t: ResourceType) => `${t.group}/${t.plural}/`;

export class KubeStore {
  private objects = new Map<string, KubeObject>();
  /** Keys by type prefix, sorted lazily: a list reads its own type only, not all 10k+ objects. */
  private readonly byType = new Map<string, { keys: Set<string>; sorted?: string[] }>();
  private rv = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly history: { rv: number; event: StoreEvent }[] = [];

  /** `onListenerError` receives a subscriber's exception (default: rethrown asynchronously, so it is seen). */
  constructor(snapshot?: KubeStoreSnapshot, private readonly options: { onListenerError?: (e: unknown) => void } = {}) {
    if (!snapshot) return;
    this.rv = snapshot.resourceVersion;
    for (const o of snapshot.objects) this.put(keyOf(typeOf(o.apiVersion, o.kind), o.metadata.name, o.metadata.namespace), copy(o));
  }

  toJSON(): KubeStoreSnapshot {
    // Stored objects are frozen and never changed in place: no copy needed to serialise them.
    return { resourceVersion: this.rv, objects: [...this.objects.values()] };
  }

  /** The current (latest) resourceVersion, as list responses report it. */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** Creates what every cluster has: default, kube-system, kube-public, kube-node-lease and the system PriorityClasses. Idempotent. */
  seedDefaults(): void {
    seedClusterDefaults(this);
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined {
    const o = this.objects.get(keyOf(typeOf(apiVersion, kind), name, namespace));
    return o && copy(o);
  }

  list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): KubeObject[] {
    return this.view(apiVersion, kind, opts).map(copy);
  }

  /**
   * What list() returns, without the copies: the stored objects themselves, frozen. For the
   * in-process controllers, which read every pod many times a second and write only through
   * mutate()/create() (copying 10k pods per pass was most of a 500-node lab's CPU).
   */
  view(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): readonly KubeObject[] {
    const t = typeOf(apiVersion, kind);
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(kind, opts.fieldSelector);
    const prefix = `${typePrefix(t)}${t.namespaced && opts.namespace ? `${opts.namespace}/` : ''}`;
    const out: KubeObject[] = [];
    for (const k of this.sortedKeys(t)) {
      if (!k.startsWith(prefix)) continue;
      const o = this.objects.get(k)!;
      if (labels(o.metadata.labels) && fields(o)) out.push(o);
    }
    return out;
  }

  private sortedKeys(t: ResourceType): readonly string[] {
    const entry = this.byType.get(typePrefix(t));
    if (!entry) return [];
    entry.sorted ??= [...entry.keys].sort();
    return entry.sorted;
  }

  private put(key: string, o: KubeObject): void {
    deepFreeze(o);
    if (!this.objects.has(key)) {
      const prefix = key.slice(0, key.indexOf('/', key.indexOf('/') + 1) + 1);
      const entry = this.byType.get(prefix) ?? { keys: new Set<string>() };
      entry.keys.add(key);
      delete entry.sorted;
      this.byType.set(prefix, entry);
    }
    this.objects.set(key, o);
  }

  private drop(key: string): void {
    if (!this.objects.delete(key)) return;
    const entry = this.byType.get(key.slice(0, key.indexOf('/', key.indexOf('/') + 1) + 1));
    entry?.keys.delete(key);
    if (entry) delete entry.sorted;
  }

  create(obj: KubeObject, opts: WriteOptions = {}): KubeObject {
    const t = typeOf(obj.apiVersion, obj.kind);
    if (!t.writable) throw methodNotSupported(groupResource(t), 'create');
    requireName(t, obj);
    const o = copy(obj);
    const meta = o.metadata;
    if (!meta.name) meta.name = generatedName(String(meta.generateName));
    if (t.namespaced) {
      meta.namespace ||= 'default';
      const ns = this.objects.get(keyOf(NAMESPACE_TYPE, meta.namespace));
      if (!ns) throw notFound(groupResource(NAMESPACE_TYPE), meta.namespace);
      if (ns.metadata.deletionTimestamp && t.kind !== 'Event') {
        throw new KubeStatusError(403, 'Forbidden', `${t.plural} "${meta.name}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`, {
          name: meta.name, ...(t.group ? { group: t.group } : {}), kind: t.plural,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${meta.namespace} is being terminated`, field: 'metadata.namespace' }],
        });
      }
    } else delete meta.namespace;
    applyDefaults(o);
    validate(t, o);
    pruneMeta(o);
    const key = keyOf(t, meta.name, meta.namespace);
    if (this.objects.has(key)) throw alreadyExists(groupResource(t), meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = opts.createdAt ?? now();
    if (t.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    if (t.kind === 'Namespace') {
      o.spec = { finalizers: ['kubernetes'], ...(o.spec as object | undefined) };
      o.status = { phase: 'Active', ...(o.status as object | undefined) };
    }
    if (t.kind === 'Pod') o.status = { phase: 'Pending', ...(o.status as object | undefined) };
    if (t.kind === 'Node') taintNewNode(o);
    if (t.kind === 'PriorityClass') o.preemptionPolicy ??= 'PreemptLowerPriority';
    // StorageObjectInUseProtection admission (on in k3s) appends the protection finalizers.
    const protection = ({ PersistentVolume: 'kubernetes.io/pv-protection', PersistentVolumeClaim: 'kubernetes.io/pvc-protection' } as Record<string, string>)[t.kind];
    if (protection && !(meta.finalizers ?? []).includes(protection)) meta.finalizers = [...(meta.finalizers ?? []), protection];
    if (opts.dryRun) return o;
    meta.resourceVersion = String(++this.rv);
    this.put(key, o);
    this.emit({ type: 'ADDED', object: o });
    return copy(o);
  }

  update(obj: KubeObject, opts: WriteOptions = {}): KubeObject {
    return this.replace(obj, opts, false);
  }

  /** `owned`: obj is the caller's private copy (mutate's), stored as it is instead of copied again. */
  private replace(obj: KubeObject, opts: WriteOptions, owned: boolean): KubeObject {
    const t = typeOf(obj.apiVersion, obj.kind);
    if (!t.writable) throw methodNotSupported(groupResource(t), 'update');
    const key = keyOf(t, obj.metadata.name, obj.metadata.namespace);
    const old = this.objects.get(key);
    if (!old) throw notFound(groupResource(t), obj.metadata.name);
    const rv = obj.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(groupResource(t), obj.metadata.name);
    let next: KubeObject;
    if (opts.statusOnly) {
      next = { ...copy(old), status: copy(obj.status) };
    } else {
      next = owned ? obj : copy(obj);
      // Server-managed metadata cannot be set by clients.
      const nextMeta = next.metadata as Record<string, unknown>;
      for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace']) {
        if (old.metadata[f] === undefined) delete nextMeta[f];
        else nextMeta[f] = old.metadata[f];
      }
      if (opts.keepStatus && t.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = copy(old.status);
      }
      if (opts.keepStatus && t.kind === 'Pod') {
        applyDefaults(next);
        checkPodUpdate(next, old);
      }
    }
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (!opts.statusOnly) applyDefaults(next);
    pruneMeta(next);
    if (old.metadata.deletionTimestamp) {
      const added = (next.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw invalid({ group: t.group, kind: t.kind }, old.metadata.name, [{ field: 'metadata.finalizers', type: 'Forbidden', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` }]);
      }
    }
    validate(t, next, old);
    if (canonical(next) === canonical(old)) return copy(old); // a no-op write keeps the resourceVersion
    if (t.tracksGeneration && specPart(next) !== specPart(old)) next.metadata.generation = (old.metadata.generation ?? 1) + 1;
    if (opts.dryRun) return next;
    if (old.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.remove(t, key, old, next);
      return this.lastDeleted!;
    }
    next.metadata.resourceVersion = String(++this.rv);
    this.put(key, next);
    this.emit({ type: 'MODIFIED', object: next, oldObject: old });
    return copy(next);
  }

  mutate(apiVersion: string, kind: string, name: string, namespace: string | undefined, fn: (o: KubeObject) => void): KubeObject {
    const current = this.get(apiVersion, kind, name, namespace);
    if (!current) throw notFound(groupResource(typeOf(apiVersion, kind)), name);
    fn(current);
    current.metadata.resourceVersion = undefined;
    return this.replace(current, {}, true);
  }

  delete(apiVersion: string, kind: string, name: string, namespace?: string, opts: DeleteOptions = {}): KubeObject | undefined {
    const t = typeOf(apiVersion, kind);
    if (!t.writable) throw methodNotSupported(groupResource(t), 'delete');
    const key = keyOf(t, name, namespace);
    const old = this.objects.get(key);
    if (!old) return undefined;
    // rest.BeforeDelete checks these first, naming the Kind (not the resource) in the conflict.
    const pre = opts.preconditions;
    const byKind = { group: t.group, resource: t.kind };
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(byKind, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${old.metadata.uid}). The object might have been deleted and then recreated`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(byKind, name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`);
    }
    if (t.kind === 'Namespace') return this.terminateNamespace(t, key, old, opts.dryRun);
    const grace = t.kind === 'Pod' ? podGracePeriod(old, opts.gracePeriodSeconds) : 0;
    if (grace > 0) return this.terminateGracefully(t, key, old, grace, opts.dryRun);
    if ((old.metadata.finalizers ?? []).length > 0) {
      if ((old.metadata.deletionTimestamp && !old.metadata.deletionGracePeriodSeconds) || opts.dryRun) return copy(old);
      const next = copy(old);
      next.metadata.deletionTimestamp = now();
      next.metadata.deletionGracePeriodSeconds = 0;
      next.metadata.resourceVersion = String(++this.rv);
      this.put(key, next);
      this.emit({ type: 'MODIFIED', object: next, oldObject: old });
      return copy(next);
    }
    if (opts.dryRun) return copy(old);
    this.remove(t, key, old, copy(old), opts.propagationPolicy);
    return this.lastDeleted;
  }

  /**
   * Graceful deletion (rest.BeforeDelete): the pod stays, Terminating, with a deletionTimestamp
   * `grace` seconds ahead, until its kubelet confirms with a delete of grace 0. A second delete
   * may only shorten the period.
   */
  private terminateGracefully(t: ResourceType, key: string, old: KubeObject, grace: number, dryRun?: boolean): KubeObject {
    const current = old.metadata.deletionGracePeriodSeconds as number | undefined;
    if (dryRun || (old.metadata.deletionTimestamp && current !== undefined && current <= grace)) return copy(old);
    const next = copy(old);
    next.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    next.metadata.deletionGracePeriodSeconds = grace;
    next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    next.metadata.resourceVersion = String(++this.rv);
    this.put(key, next);
    this.emit({ type: 'MODIFIED', object: next, oldObject: old });
    return copy(next);
  }

  /**
   * A namespace is not removed by its delete: it turns Terminating (deletionTimestamp, phase
   * Terminating) and refuses new content; the namespace controller empties it and only then
   * removes it (`finalizeNamespace`). Without that controller it stays Terminating, as on a real
   * server without kube-controller-manager.
   */
  private terminateNamespace(t: ResourceType, key: string, old: KubeObject, dryRun?: boolean): KubeObject {
    if (dryRun || old.metadata.deletionTimestamp) return copy(old);
    const next = copy(old);
    next.metadata.deletionTimestamp = now();
    next.status = { ...(next.status as object | undefined), phase: 'Terminating' };
    next.metadata.resourceVersion = String(++this.rv);
    this.put(key, next);
    this.emit({ type: 'MODIFIED', object: next, oldObject: old });
    return copy(next);
  }

  /** The namespace controller's last step: an emptied, terminating namespace goes. */
  finalizeNamespace(name: string): boolean {
    const key = keyOf(NAMESPACE_TYPE, name);
    const ns = this.objects.get(key);
    if (!ns?.metadata.deletionTimestamp) return false;
    if ([...this.objects.values()].some((o) => o.metadata.namespace === name)) return false;
    this.remove(NAMESPACE_TYPE, key, ns, { ...copy(ns), spec: { finalizers: [] } });
    return true;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after resourceVersion `rv`, or 'expired' when the history no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] | 'expired' {
    const first = this.history[0];
    if (rv < this.rv && first && first.rv > rv + 1 && this.history.length >= HISTORY) return 'expired';
    return this.history.filter((h) => h.rv > rv).map((h) => h.event);
  }

  recordEvent(involved: KubeObject, e: EventSpec): KubeObject {
    return recordEventIn(this, involved, e);
  }

  private lastDeleted: KubeObject | undefined;

  private remove(t: ResourceType, key: string, old: KubeObject, final: KubeObject, policy?: DeleteOptions['propagationPolicy']): void {
    this.drop(key);
    final.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', object: final, oldObject: old });
    this.lastDeleted = copy(final);
    const deleted = this.lastDeleted;
    if (t.kind === 'Namespace') {
      for (const [k, o] of [...this.objects]) {
        if (o.metadata.namespace === old.metadata.name && this.objects.has(k)) this.delete(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
      }
    }
    this.cascade(old, policy);
    this.lastDeleted = deleted;
  }

  /** The garbage collector's part: dependents go too (Background/Foreground) or lose the owner reference (Orphan). */
  private cascade(owner: KubeObject, policy: DeleteOptions['propagationPolicy']): void {
    const uid = owner.metadata.uid;
    for (const o of [...this.objects.values()]) {
      const refs = (o.metadata.ownerReferences ?? []) as { uid?: string }[];
      if (!refs.some((r) => r.uid === uid)) continue;
      const rest = refs.filter((r) => r.uid !== uid);
      if (policy === 'Orphan' || rest.length > 0) {
        this.mutate(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace, (m) => {
          if (rest.length) m.metadata.ownerReferences = rest;
          else delete m.metadata.ownerReferences;
        });
      } else this.delete(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace, { propagationPolicy: policy });
    }
  }

  private readonly pending: StoreEvent[] = [];
  private delivering = false;

  /**
   * Listeners may write to the store from their callback (controllers do); the events of those
   * nested writes are queued so every listener and watch sees events in resourceVersion order.
   * A listener's exception does not undo the write: it is rethrown asynchronously.
   */
  private emit(event: StoreEvent): void {
    // One frozen event for the history and every listener: none of them changes it (a watch
    // serialises it, the controllers read its kind), and a copy per listener per write was
    // most of the cost of seeding a big lab. The stored objects in it need no copy at all.
    const shared: StoreEvent = Object.freeze({ ...event, object: frozen(event.object), ...(event.oldObject ? { oldObject: frozen(event.oldObject) } : {}) });
    this.history.push({ rv: Number(event.object.metadata.resourceVersion), event: shared });
    if (this.history.length > HISTORY) this.history.shift();
    this.pending.push(shared);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let e = this.pending.shift(); e; e = this.pending.shift()) {
        for (const l of [...this.listeners]) {
          try {
            l(e);
          } catch (err) {
            if (this.options.onListenerError) this.options.onListenerError(err);
            else queueMicrotask(() => { throw err; });
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}
