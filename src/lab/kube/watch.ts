// Watch streams: `?watch=true` answers a chunked stream of JSON lines {"type","object"}
// (apiserver/pkg/endpoints/handlers/watch.go). Without resourceVersion (or "0") the stream
// starts with a synthetic ADDED per existing object; with one, it replays the store's history
// after it (410 Expired as an ERROR event when the history no longer reaches back).
// Selector transitions follow the watch cache: an object that stops matching is DELETED,
// one that starts matching is ADDED.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusObject } from './status.js';
import type { KubeObject, KubeStore, StoreEvent, WatchEventType } from './store.js';

interface WatchRequest {
  resourceVersion?: string;
  timeoutSeconds?: number;
  /** Current objects that match (for the initial ADDED events). */
  initial: () => readonly KubeObject[];
  /** Whether an object belongs to this watch (type, namespace, selectors). */
  matches: (o: KubeObject) => boolean;
  /** Whether an event is about this resource type at all. */
  sameType: (o: KubeObject) => boolean;
  /** The representation sent to the client. */
  present: (o: KubeObject) => unknown;
}

const DEFAULT_TIMEOUT_S = 1800;

function translate(e: StoreEvent, w: WatchRequest): { type: WatchEventType; object: KubeObject } | undefined {
  if (!w.sameType(e.object)) return undefined;
  const now = w.matches(e.object);
  const before = e.oldObject ? w.matches(e.oldObject) : false;
  if (e.type === 'ADDED') return now ? { type: 'ADDED', object: e.object } : undefined;
  if (e.type === 'DELETED') return now || before ? { type: 'DELETED', object: e.object } : undefined;
  if (now && before) return { type: 'MODIFIED', object: e.object };
  if (now) return { type: 'ADDED', object: e.object };
  if (before) return { type: 'DELETED', object: e.object };
  return undefined;
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, store: KubeStore, w: WatchRequest): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const write = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const rv = w.resourceVersion;
  const queued: StoreEvent[] = [];
  if (!rv || rv === '0') {
    for (const o of w.initial()) write('ADDED', w.present(o));
  } else {
    const since = store.eventsSince(Number(rv));
    if (since === 'expired' || !/^\d+$/.test(rv)) {
      write('ERROR', statusObject('Failure', 410, 'Expired', `too old resource version: ${rv} (${store.resourceVersion()})`));
      res.end();
      return;
    }
    queued.push(...since);
  }
  for (const e of queued) {
    const t = translate(e, w);
    if (t) write(t.type, w.present(t.object));
  }
  const unsubscribe = store.subscribe((e) => {
    const t = translate(e, w);
    if (t) write(t.type, w.present(t.object));
  });
  const timer = setTimeout(() => finish(), (w.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000);
  timer.unref();
  const finish = () => {
    clearTimeout(timer);
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
  req.on('close', finish);
  res.on('close', finish);
}
