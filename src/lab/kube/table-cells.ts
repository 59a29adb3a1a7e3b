// Cell helpers shared by the Table printers: column definitions, ages, safe lookups.
import type { KubeObject } from './types.js';

export interface Column { name: string; type: string; format?: string; priority?: number; description?: string }
export type Cells = (o: KubeObject) => unknown[];

export const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.' };
export const AGE: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };
export const col = (name: string, type = 'string', priority = 0): Column => ({ name, type, priority, description: '' });

/** apimachinery/pkg/util/duration.HumanDuration */
function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  return `${Math.floor(h / 24 / 365)}y`;
}

export const age = (ts: unknown) => (typeof ts === 'string' ? humanDuration(Date.now() - Date.parse(ts)) : '<unknown>');
export const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
export const str = (v: unknown, dflt = '<none>') => (v === undefined || v === null || v === '' ? dflt : String(v));
