// Small helpers of the store: object keys, timestamps, generated names, and the comparisons
// that decide whether a write changed anything (and whether it bumps metadata.generation).
import { randomBytes } from 'node:crypto';
import { byKind } from './resources.js';
import type { ResourceType } from './resources.js';
import { badRequest } from './status.js';
import type { KubeObject } from './types.js';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789'; // apiserver/pkg/storage/names: no vowels, 5 chars

export const copy = <T>(v: T): T => structuredClone(v);

/** RFC 3339 with seconds, as metav1.Time marshals. */
export const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function generatedName(prefix: string): string {
  return `${prefix}${Array.from(randomBytes(5), (b) => NAME_CHARS[b % NAME_CHARS.length]).join('')}`;
}

export function typeOf(apiVersion: string, kind: string): ResourceType {
  const t = byKind(apiVersion, kind);
  if (!t) throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
  return t;
}

export function keyOf(t: ResourceType, name: string, namespace?: string): string {
  return `${t.group}/${t.plural}/${t.namespaced ? (namespace ?? '') : ''}/${name}`;
}

/** Go's omitempty: empty metadata maps and lists are not stored. */
export function pruneMeta(o: KubeObject): void {
  const meta = o.metadata as Record<string, unknown>;
  for (const f of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    const v = meta[f];
    if (v === null || (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && Object.keys(v).length === 0)) delete meta[f];
  }
}

/** JSON with sorted keys: equality that ignores key order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1))) : val);
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
export function specPart(o: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return canonical(rest);
}
