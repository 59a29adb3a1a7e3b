// Keeps the masked fields of a listed object (FieldMask in ports.ts). Applied item by item as a
// page arrives, so only the projections outlive the page: 10k pods' full specs never coexist.
// Within one list, identical projected arrays are stored once and shared, frozen: a Deployment's
// pods have the same containers, a healthy pod's conditions (without their times) and container
// statuses are those of every other. A masked list is a read-only view; a write would throw.
import type { FieldMask, KubeObject } from '../ports.js';

export class SharedParts {
  private readonly seen = new Map<string, readonly unknown[]>();

  share(list: unknown[]): readonly unknown[] {
    const key = JSON.stringify(list);
    const known = this.seen.get(key);
    if (known) return known;
    deepFreeze(list);
    this.seen.set(key, list);
    return list;
  }
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  for (const v of Object.values(value)) deepFreeze(v);
  Object.freeze(value);
}

function pick(value: unknown, mask: FieldMask, shared: SharedParts): unknown {
  if (Array.isArray(value)) return shared.share(value.map((v) => pick(v, mask, shared)));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [field, sub] of Object.entries(mask)) {
    const v = (value as Record<string, unknown>)[field];
    if (v === undefined) continue;
    out[field] = sub !== true ? pick(v, sub, shared) : Array.isArray(v) ? shared.share(v) : v;
  }
  return out;
}

export function projectItem(item: KubeObject, mask: FieldMask | undefined, shared: SharedParts): KubeObject {
  if (!mask) return item;
  const kept = pick(item, mask, shared) as KubeObject;
  // Every object keeps its identity, whatever the mask says.
  return { ...kept, apiVersion: item.apiVersion, kind: item.kind, metadata: { ...kept.metadata, name: item.metadata.name } };
}
