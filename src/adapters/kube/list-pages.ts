// A list, one request per page of 500 objects (never one per object), read as plain JSON, not
// through client-node's model classes: its deserializer copied every object once more
// (timestamps into Dates), which made doctor's memory peak at 10k pods. The objects are what
// the API server sent, as `kubectl get -o json` shows them, less what the query's field mask
// leaves out; each is parsed and projected on its own (list-items.ts), never the page at once.
import type { KubeListQuery, KubeObject } from '../ports.js';
import type { KubeCaller } from './call.js';
import { httpError, type RawKube } from './http.js';
import { listItems } from './list-items.js';
import { projectItem, SharedParts } from './project.js';

const PAGE = 500;

/** `collection` finds the list's path (API discovery: the resource's plural, namespaced or not). */
export async function listPages(raw: RawKube, call: KubeCaller, q: KubeListQuery, collection: () => Promise<string>): Promise<KubeObject[]> {
  const what = `list ${q.kind}${q.namespace ? ` in ${q.namespace}` : ''}`;
  const path = await call(what, collection, true);
  const out: KubeObject[] = [];
  const shared = new SharedParts();
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (q.fieldSelector) query.set('fieldSelector', q.fieldSelector);
    if (q.labelSelector) query.set('labelSelector', q.labelSelector);
    if (token) query.set('continue', token);
    const page = await call(what, async () => {
      const res = await raw.fetchBytes('GET', `${path.replace(/\/$/, '')}?${query}`);
      if (res.status < 200 || res.status > 299) throw httpError({ status: res.status, body: res.bytes.toString('utf8'), headers: res.headers });
      // List items come without apiVersion/kind; put them back so objects are self-describing.
      return listItems(res.bytes, (item) => projectItem(Object.assign(item as KubeObject, { apiVersion: q.apiVersion, kind: q.kind }), q.fields, shared));
    }, true);
    for (const item of page.items) out.push(item);
    token = page.metadata?.continue || undefined;
  } while (token);
  return out;
}
