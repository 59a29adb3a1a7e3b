// The digest that binds an approval (a plan, a journaled run) to exactly one runbook text
// and one set of params: resume and saved plans refuse to go on when it changed.
import { createHash } from 'node:crypto';
import type { Runbook } from './types.js';

export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

export function runbookDigest(runbook: Pick<Runbook, 'source'>, params: Record<string, unknown>): string {
  return createHash('sha256')
    .update(runbook.source.text)
    .update('\0')
    .update(JSON.stringify(canonical(params)))
    .digest('hex');
}
