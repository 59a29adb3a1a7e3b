// What each step type takes in `with:`, derived from its own param schema (never restated):
// `runbook describe --steps` prints it and the JSON Schema types `with:` per `uses:` from it,
// so editors complete and check step parameters.
import { z } from '../zod.js';
import type { StepDefinition, StepRegistry } from '../step/define-step.js';
import { DURATION_FORMAT, formatDuration } from './duration.js';

interface StepField {
  name: string;
  /** A person's reading of the type: `string`, `int >= 512`, `duration`, `merge|strategic|json`... */
  type: string;
  required: boolean;
  default?: unknown;
}

export interface StepTypeInfo {
  type: string;
  description: string;
  destructive: boolean | 'depends on params';
  irreversible: boolean;
  adapters: readonly string[];
  fields: StepField[];
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[]; anyOf?: JsonSchema[] };

/** The input-side JSON Schema of a step's params (what a runbook author writes). */
function paramsJsonSchema(def: StepDefinition): JsonSchema {
  const schema = z.toJSONSchema(def.params as z.ZodType, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as JsonSchema;
  delete schema.$schema;
  return schema;
}

function typeName(s: JsonSchema): string {
  if (s.format === DURATION_FORMAT) return 'duration';
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map(String).join('|');
  if (s.anyOf) return [...new Set(s.anyOf.map(typeName))].join(' or ');
  const t = s.type;
  if (t === 'integer' || t === 'number') {
    const n = t === 'integer' ? 'int' : 'number';
    return typeof s.minimum === 'number' && s.minimum > 0 ? `${n} >= ${s.minimum}` : n;
  }
  if (t === 'array') return `list of ${typeName((s.items as JsonSchema | undefined) ?? {})}`;
  if (t === 'object') return 'object';
  return typeof t === 'string' ? t : 'any';
}

/** The default a zod field declares, read from the schema itself (a transform hides it from JSON Schema). */
function defaultOf(field: unknown): unknown {
  const def = (field as { _zod?: { def?: { type?: string; defaultValue?: unknown; innerType?: unknown } } })?._zod?.def;
  if (!def) return undefined;
  if (def.type === 'default') return typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
  return def.innerType ? defaultOf(def.innerType) : undefined;
}

function fieldsOf(def: StepDefinition): StepField[] {
  const json = paramsJsonSchema(def);
  const shape = (def.params as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const required = new Set(json.required ?? []);
  // A param's old name still works but is no longer offered (validate warns where it is used).
  const renamed = def.renamedParams ?? {};
  return Object.entries(json.properties ?? {}).filter(([name]) => !(name in renamed)).map(([name, prop]) => {
    const type = typeName(prop);
    const raw = defaultOf(shape[name]) ?? prop.default;
    const value = type === 'duration' && typeof raw === 'number' ? formatDuration(raw) : raw;
    return { name, type, required: required.has(name), ...(value !== undefined ? { default: value } : {}) };
  });
}

export function stepCatalog(registry: StepRegistry): StepTypeInfo[] {
  return registry.types().map((type) => {
    const def = registry.get(type)!;
    return {
      type,
      description: def.description,
      destructive: typeof def.destructive === 'function' ? 'depends on params' : def.destructive,
      irreversible: def.irreversible === true,
      adapters: def.uses,
      fields: fieldsOf(def),
    };
  });
}

/** Any `with:` value may be one `${{ }}` expression instead of a literal of the field's type. */
const EXPRESSION: JsonSchema = { type: 'string', pattern: '\\$\\{\\{', description: 'a ${{ }} expression' };

/** `{ if uses == T then with: <T's params> }` for every step type, as one reusable definition. */
export function withByUsesSchema(registry: StepRegistry): JsonSchema {
  return {
    allOf: registry.types().map((type) => {
      const params = paramsJsonSchema(registry.get(type)!);
      const properties = Object.fromEntries(Object.entries(params.properties ?? {}).map(([k, v]) => [k, { anyOf: [v, EXPRESSION] }]));
      return { if: { properties: { uses: { const: type } }, required: ['uses'] }, then: { properties: { with: { ...params, properties } } } };
    }),
  };
}
