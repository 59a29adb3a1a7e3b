// The JSON Schema file editors validate runbooks against: the runbook schema (from zod), with
// every step's `with:` typed per `uses:` (from each step's own params). `npm run schema`
// rewrites it (scripts/write-schema.mjs); test/runbook/schema-sync.test.ts fails when it is stale.
import type { StepRegistry } from '../step/define-step.js';
import { runbookJsonSchema } from './schema.js';
import { withByUsesSchema } from './step-catalog.js';

export const SCHEMA_FILE = 'schema/runbook.schema.json';
const WITH_BY_USES = '#/definitions/withByUses';

type Node = Record<string, unknown>;

/** Every object schema with both `uses` and `with` (steps, group steps, gates, preflight checks). */
function typeWithByUses(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  for (const child of Object.values(node)) typeWithByUses(child);
  const props = (node as Node).properties as Node | undefined;
  if (props && 'uses' in props && 'with' in props) (node as Node).allOf = [{ $ref: WITH_BY_USES }];
}

export function renderSchemaFile(registry: StepRegistry): string {
  const schema = runbookJsonSchema();
  typeWithByUses(schema);
  schema.definitions = { ...(schema.definitions as Node | undefined), withByUses: withByUsesSchema(registry) };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
