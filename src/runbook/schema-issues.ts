// Zod issues -> diagnostics a person can act on: "unknown key `neds` (did you mean `needs`?)"
// instead of "Unrecognized key(s) in object". Positions come from the YAML source map.
import type { z } from '../zod.js';
import { didYouMean } from '../suggest.js';
import { gateSchema, groupedStepSchema, paramSchema, preflightSchema, retrySchema, runbookSchema, stepSchema } from './schema.js';

export interface Problem {
  path: string;
  message: string;
  hint?: string;
  /** Position inside a string value (expressions), added to the node's column. */
  offset?: number;
  severity?: 'error' | 'warning';
}

const keys = (s: { shape: object }) => Object.keys(s.shape);

/** The keys a mapping at `path` may hold, for "did you mean". */
function knownKeysAt(path: (string | number)[]): string[] {
  const p = path.map((x) => (typeof x === 'number' ? '#' : x)).join('.');
  if (p === '') return keys(runbookSchema);
  if (/^params\.[^.]+$/.test(p)) return keys(paramSchema);
  if (p === 'steps.#') return keys(stepSchema);
  if (p === 'steps.#.retry' || p === 'steps.#.steps.#.retry') return keys(retrySchema);
  if (p === 'steps.#.steps.#') return keys(groupedStepSchema);
  if (p === 'steps.#.gate') return keys(gateSchema);
  if (p === 'preflight.#') return keys(preflightSchema);
  return [];
}

const FIELD_MESSAGES: Record<string, string> = {
  timeout: 'must be a duration such as 30s, 5m or 1h30m',
  backoff: 'must be a duration such as 500ms, 10s or 1m',
  needs: 'must be a step id or a list of step ids',
  when: 'must be an expression (e.g. `params.force`) or true/false',
};

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v = doc;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${JSON.stringify(v)}`;
}

export function schemaProblems(doc: unknown, issues: readonly z.core.$ZodIssue[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
    const dot = path.join('.');
    const last = String(path.at(-1) ?? '');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(path);
      for (const key of issue.keys) {
        const hint = didYouMean(key, known);
        out.push({ path: [...path, key].join('.'), message: `unknown key \`${key}\``, hint: hint ?? `allowed here: ${known.join(', ')}` });
      }
      continue;
    }
    const value = valueAt(doc, path);
    if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
      out.push({ path: dot, message: `missing required key \`${last}\`` });
      continue;
    }
    if (issue.code === 'invalid_value' && last === 'apiVersion') {
      out.push({ path: dot, message: `unsupported apiVersion ${JSON.stringify(value)}`, hint: `use \`apiVersion: ${String(issue.values[0])}\`` });
      continue;
    }
    if (issue.code === 'invalid_value' && last === 'type' && path[0] === 'params') {
      const hint = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : undefined;
      out.push({ path: dot, message: `unknown param type ${JSON.stringify(value)}`, hint: hint ?? `use one of ${issue.values.join(', ')}` });
      continue;
    }
    const field = FIELD_MESSAGES[last];
    // Our own refinements (a duration without a unit, too long) already say it best.
    if (field && issue.code !== 'custom') {
      out.push({ path: dot, message: `\`${last}\` ${field}, not ${describe(value)}` });
      continue;
    }
    out.push({ path: dot, message: issue.code === 'custom' && field ? issue.message : `${dot || 'document'}: ${issue.message.replace(/^Invalid input: /, '')}` });
  }
  return out;
}
