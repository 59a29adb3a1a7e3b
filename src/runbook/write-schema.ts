// `npm run schema`: regenerates schema/runbook.schema.json from the zod schema.
// test/runbook/schema-sync.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { runbookJsonSchema } from './schema.js';

export const SCHEMA_FILE = 'schema/runbook.schema.json';

export function renderSchemaFile(): string {
  return `${JSON.stringify(runbookJsonSchema(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = join(packageRoot(), SCHEMA_FILE);
  writeFileSync(target, renderSchemaFile());
  process.stdout.write(`wrote ${target}\n`);
}
