// The REST verbs on one resource path: get, list (+ pagination, Table), watch, create,
// update, patch, delete, deletecollection, and the status/eviction subresources
// (apiserver/pkg/endpoints/handlers/{get,create,update,patch,delete}.go for codes and checks).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { staticCrds } from './crds.js';
import { evictPod } from './eviction.js';
import { readScale, SCALABLE, writeScale } from './scale.js';
import { parseJson, readBody, readJsonBody, sendJson } from './http-io.js';
import { jsonPatch, mergePatch, PatchError, strategicMerge } from './patch.js';
import { apiVersionOf, groupResource, isCustom } from './resources.js';
import type { ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, KubeStatusError, methodNotSupported, notFound, pathNotFound, statusObject, unsupportedMediaType } from './status.js';
import type { DeleteOptions, KubeObject, KubeStore } from './store.js';
import { toTable, wantsTable } from './table.js';
import { serveWatch } from './watch.js';

export interface ResourceRoute { t: ResourceType; namespace?: string; name?: string; sub?: string }

const APPLY_PATCH = 'application/apply-patch+yaml';

/** Server-side apply needs a field manager; the lab checks that much, then answers that it does not implement apply (415). */
function applyWithoutFieldManager(): KubeStatusError {
  const message = 'Required value: is required for apply patch';
  return new KubeStatusError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: fieldManager: ${message}`, { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message, field: 'fieldManager' }] });
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

/** Built-in list items carry no apiVersion/kind on the wire; custom resources (unstructured) do. */
function listItem(t: ResourceType, o: KubeObject): unknown {
  if (isCustom(t)) return o;
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

/** The stored objects themselves (frozen): a response only serialises them, so a page of 500 no longer copies all 10k. */
function readAll(store: KubeStore, t: ResourceType, r: ResourceRoute, q: URLSearchParams): readonly KubeObject[] {
  if (!t.writable) {
    const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
    const fields = parseFieldSelector(t.kind, q.get('fieldSelector') ?? undefined);
    return staticCrds().filter((o) => labels(o.metadata.labels) && fields(o));
  }
  return store.view(apiVersionOf(t), t.kind, { namespace: r.namespace, labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined });
}

function readOne(store: KubeStore, r: ResourceRoute): KubeObject {
  const o = r.t.writable ? store.get(apiVersionOf(r.t), r.t.kind, r.name!, r.namespace) : staticCrds().find((c) => c.metadata.name === r.name);
  if (!o) throw notFound(groupResource(r.t), r.name!);
  return o;
}

function list(req: IncomingMessage, res: ServerResponse, store: KubeStore, r: ResourceRoute, q: URLSearchParams): void {
  const t = r.t;
  const all = readAll(store, t, r, q);
  const limit = Number(q.get('limit') ?? 0);
  let start = 0;
  const token = q.get('continue');
  if (token) {
    let after: string;
    try {
      after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start: string }).start;
    } catch {
      // The reason after the prefix is Go's decoder error on a real server.
      throw badRequest('invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    }
    start = all.findIndex((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    if (start < 0) start = all.length;
  }
  const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
  const meta: Record<string, unknown> = { resourceVersion: store.resourceVersion() };
  const rest = all.length - start - page.length;
  if (limit > 0 && rest > 0) {
    const last = page[page.length - 1]!;
    meta.continue = Buffer.from(JSON.stringify({ rv: store.resourceVersion(), start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
    // The real server counts the rest only when no selector filters it.
    if (!q.get('labelSelector') && !q.get('fieldSelector')) meta.remainingItemCount = rest;
  }
  if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(t, page, meta));
  sendJson(res, 200, { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata: meta, items: page.map((o) => listItem(t, o)) });
}

function watch(req: IncomingMessage, res: ServerResponse, store: KubeStore, r: ResourceRoute, q: URLSearchParams): void {
  const t = r.t;
  const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(t.kind, q.get('fieldSelector') ?? undefined);
  const sameType = (o: KubeObject) => o.kind === t.kind && o.apiVersion === apiVersionOf(t);
  const timeout = q.get('timeoutSeconds');
  serveWatch(req, res, store, {
    ...(q.get('resourceVersion') ? { resourceVersion: q.get('resourceVersion')! } : {}),
    ...(timeout ? { timeoutSeconds: Number(timeout) } : {}),
    initial: () => readAll(store, t, r, q),
    sameType,
    matches: (o) => sameType(o) && (!r.namespace || o.metadata.namespace === r.namespace) && labels(o.metadata.labels) && fields(o),
    // `kubectl get -w` asks for Tables: each event then carries a one-row Table, as the real server sends.
    present: wantsTable(req.headers.accept) ? (o) => toTable(t, [o], { resourceVersion: o.metadata.resourceVersion }) : (o) => o,
  });
}

/** The object of a create/update body, checked against the URL like the real handlers do. */
function bodyObject(r: ResourceRoute, raw: unknown): KubeObject {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('the request body must be a JSON object');
  const o = raw as KubeObject;
  o.metadata ??= { name: '' };
  o.apiVersion ??= apiVersionOf(r.t);
  o.kind ??= r.t.kind;
  if (o.apiVersion !== apiVersionOf(r.t) || o.kind !== r.t.kind) {
    throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${apiVersionOf(r.t)})`);
  }
  if (r.t.namespaced) {
    if (o.metadata.namespace && r.namespace && o.metadata.namespace !== r.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (r.namespace) o.metadata.namespace = r.namespace;
  }
  if (r.name && o.metadata.name !== r.name) throw badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${r.name})`);
  return o;
}

function applyPatch(current: KubeObject, contentType: string, patch: unknown): KubeObject {
  try {
    if (contentType === 'application/json-patch+json') {
      if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      return jsonPatch(current, patch) as KubeObject;
    }
    if (contentType === 'application/merge-patch+json') return mergePatch(current, patch) as KubeObject;
    return strategicMerge(current, patch) as KubeObject;
  } catch (e) {
    // patch.go answers a failed JSON patch (e.g. a `test` op) with NewGenericServerResponse(422):
    // the generic text, without the patch library's own message.
    if (e instanceof PatchError) throw new KubeStatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
    throw e;
  }
}

function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const b = (body ?? {}) as { propagationPolicy?: DeleteOptions['propagationPolicy']; preconditions?: DeleteOptions['preconditions']; dryRun?: string[]; orphanDependents?: boolean; gracePeriodSeconds?: number };
  const policy = (q.get('propagationPolicy') as DeleteOptions['propagationPolicy'] | null) ?? b.propagationPolicy ?? (b.orphanDependents ? 'Orphan' : undefined);
  const grace = q.get('gracePeriodSeconds') !== null ? Number(q.get('gracePeriodSeconds')) : b.gracePeriodSeconds;
  return {
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(grace !== undefined && Number.isFinite(grace) ? { gracePeriodSeconds: grace } : {}),
    ...(b.preconditions ? { preconditions: b.preconditions } : {}),
    dryRun: q.get('dryRun') === 'All' || (b.dryRun ?? []).includes('All'),
  };
}

function deleteOne(res: ServerResponse, store: KubeStore, r: ResourceRoute, opts: DeleteOptions): void {
  const t = r.t;
  if (!store.get(apiVersionOf(t), t.kind, r.name!, r.namespace)) throw notFound(groupResource(t), r.name!);
  const out = store.delete(apiVersionOf(t), t.kind, r.name!, r.namespace, opts)!;
  const stillThere = !!store.get(apiVersionOf(t), t.kind, r.name!, r.namespace);
  // Pending finalizers: 200 with the terminating object (recorded from v1.20 in test/real-apiserver).
  // Deleted: pods answer the object, the rest a Status.
  if (stillThere || t.kind === 'Pod' || opts.dryRun) return sendJson(res, 200, out);
  sendJson(res, 200, { ...statusObject('Success', 0, '', ''), details: { name: r.name, ...(t.group ? { group: t.group } : {}), kind: t.plural, uid: out.metadata.uid } });
}

export async function handleResource(req: IncomingMessage, res: ServerResponse, store: KubeStore, r: ResourceRoute, q: URLSearchParams): Promise<void> {
  const t = r.t;
  const method = req.method ?? 'GET';
  const dryRun = q.get('dryRun') === 'All';
  const isWatch = q.get('watch') === 'true' || q.get('watch') === '1';
  // Subresources we do not serve (log, exec, scale, ...) are unknown paths, as on a server without them.
  const served = (r.sub === 'status' && t.statusSubresource) || (r.sub === 'eviction' && t.kind === 'Pod') || (r.sub === 'scale' && SCALABLE.has(t.kind));
  if (r.sub && !served) throw pathNotFound();
  if (!t.writable && method !== 'GET') throw methodNotSupported(groupResource(t), method.toLowerCase());

  if (!r.name) {
    if (method === 'GET') return isWatch ? watch(req, res, store, r, q) : list(req, res, store, r, q);
    if (method === 'POST') {
      const created = store.create(bodyObject(r, await readJsonBody(req)), { dryRun });
      return sendJson(res, 201, created);
    }
    if (method === 'DELETE') {
      const opts = deleteOptions(q, await readJsonBody(req));
      const gone = readAll(store, t, r, q).map((o) => store.delete(apiVersionOf(t), t.kind, o.metadata.name, o.metadata.namespace, opts) ?? o);
      return sendJson(res, 200, { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata: { resourceVersion: store.resourceVersion() }, items: gone.map((o) => listItem(t, o)) });
    }
    throw methodNotSupported(groupResource(t), method.toLowerCase());
  }

  if (r.sub === 'eviction') {
    if (method !== 'POST') throw methodNotSupported({ group: '', resource: 'pods/eviction' }, method.toLowerCase());
    const result = evictPod(store, r.namespace ?? 'default', r.name, await readJsonBody(req), dryRun);
    return sendJson(res, result.code, result.body);
  }
  if (r.sub === 'scale') return handleScale(req, res, store, r, dryRun);
  const writeOpts = { dryRun, ...(r.sub === 'status' ? { statusOnly: true } : { keepStatus: true }) };
  switch (method) {
    case 'GET': {
      const o = readOne(store, r);
      if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(t, [o], { resourceVersion: o.metadata.resourceVersion }));
      return sendJson(res, 200, o);
    }
    case 'PUT':
      return sendJson(res, 200, store.update(bodyObject(r, await readJsonBody(req)), writeOpts));
    case 'PATCH': {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      const accepted = t.strategic ? PATCH_TYPES : PATCH_TYPES.filter((p) => !p.includes('strategic'));
      if (contentType === APPLY_PATCH && !q.get('fieldManager')) throw applyWithoutFieldManager();
      if (!accepted.includes(contentType)) throw unsupportedMediaType(contentType, accepted);
      const patch = parseJson(await readBody(req));
      const current = readOne(store, r);
      const patched = applyPatch(current, contentType, patch);
      if (!patched || typeof patched !== 'object' || !patched.metadata) throw new KubeStatusError(422, 'Invalid', 'the patch removed the object metadata');
      // A resourceVersion in the patch is a precondition (patch.go: it ends up in the update).
      if (!patched.metadata.resourceVersion) patched.metadata.resourceVersion = current.metadata.resourceVersion;
      return sendJson(res, 200, store.update(bodyObject(r, patched), writeOpts));
    }
    case 'DELETE':
      return deleteOne(res, store, r, deleteOptions(q, await readJsonBody(req)));
    default:
      throw methodNotSupported(groupResource(t), method.toLowerCase());
  }
}

async function handleScale(req: IncomingMessage, res: ServerResponse, store: KubeStore, r: ResourceRoute, dryRun: boolean): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET') return sendJson(res, 200, readScale(store, r.t, r.name!, r.namespace));
  const body = method === 'PATCH' ? parseJson(await readBody(req)) : await readJsonBody(req);
  if (method === 'PUT') return sendJson(res, 200, writeScale(store, r.t, r.name!, r.namespace, { put: body }, dryRun));
  if (method === 'PATCH') {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!PATCH_TYPES.includes(contentType)) throw unsupportedMediaType(contentType, PATCH_TYPES);
    return sendJson(res, 200, writeScale(store, r.t, r.name!, r.namespace, { patch: body, contentType }, dryRun));
  }
  throw methodNotSupported(groupResource(r.t), method.toLowerCase());
}
