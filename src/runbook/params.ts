// Turns what a person typed (CLI flags, strings) or wrote (defaults in YAML) into typed
// param values, checking every param and reporting every problem, never just the first.
import { parseWaitDuration } from './duration.js';
import type { ParamSpec, Runbook } from './types.js';

type RawValue = unknown;

export interface Coerced {
  values: Record<string, unknown>;
  errors: string[];
}

/** Characters in one param value: far above any name or message, far below a hang. */
export const MAX_PARAM_VALUE_LENGTH = 65_536;

function one(spec: ParamSpec, v: unknown, what: string): unknown {
  for (const s of Array.isArray(v) ? v : [v]) {
    if (typeof s === 'string' && s.length > MAX_PARAM_VALUE_LENGTH) throw new Error(`${what} is ${s.length} characters long; the limit is ${MAX_PARAM_VALUE_LENGTH}`);
  }
  switch (spec.type) {
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'yes') return true;
      if (v === 'false' || v === 'no') return false;
      throw new Error(`${what} must be true or false, not "${String(v)}"`);
    case 'int': {
      const n = typeof v === 'number' ? v : /^-?\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : NaN;
      if (!Number.isSafeInteger(n)) throw new Error(`${what} must be a whole number, not "${String(v)}"`);
      if (spec.min !== undefined && n < spec.min) throw new Error(`${what} must be at least ${spec.min}, not ${n}`);
      if (spec.max !== undefined && n > spec.max) throw new Error(`${what} must be at most ${spec.max}, not ${n}`);
      return n;
    }
    case 'duration':
      try {
        return parseWaitDuration(typeof v === 'number' ? v : String(v));
      } catch (e) {
        throw new Error(`${what}: ${(e as Error).message}`);
      }
    case 'enum':
      if (!(spec.values ?? []).includes(String(v))) throw new Error(`${what} must be one of ${(spec.values ?? []).join(', ')}, not "${String(v)}"`);
      return String(v);
    case 'list': {
      const raw = Array.isArray(v) ? v : [v];
      // `--nodes a,b --nodes c` and YAML lists alike.
      const items = raw.flatMap((x) => (typeof x === 'string' ? x.split(',').map((s) => s.trim()).filter(Boolean) : [x]));
      return items.map((item, i) => {
        const typed = spec.items === 'int' ? one({ ...spec, type: 'int' }, item, `${what}[${i}]`) : String(item);
        if (typeof typed === 'string') matchPattern(spec, typed, `${what}[${i}]`);
        return typed;
      });
    }
    case 'string': {
      if (typeof v === 'object' && v !== null) throw new Error(`${what} must be text, not a ${Array.isArray(v) ? 'list' : 'map'}`);
      const s = String(v);
      matchPattern(spec, s, what);
      return s;
    }
  }
}

function matchPattern(spec: ParamSpec, s: string, what: string): void {
  if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(s)) {
    throw new Error(`${what} "${s}" does not match the pattern ${spec.pattern}`);
  }
}

/** Types one value; throws an Error whose message names the param. */
export function coerceValue(spec: ParamSpec, v: unknown): unknown {
  return one(spec, v, `--${spec.name}`);
}

export function coerceParams(runbook: Pick<Runbook, 'params'>, raw: Record<string, RawValue>): Coerced {
  const values: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const spec of runbook.params) {
    const given = raw[spec.name];
    if (given === undefined || (Array.isArray(given) && given.length === 0 && spec.default !== undefined)) {
      if (spec.default !== undefined) values[spec.name] = structuredClone(spec.default);
      else if (spec.required) errors.push(`missing required param --${spec.name} (${spec.description})`);
      else if (spec.type === 'list') values[spec.name] = [];
      else if (spec.type === 'bool') values[spec.name] = false;
      continue;
    }
    try {
      values[spec.name] = coerceValue(spec, given);
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { values, errors };
}
