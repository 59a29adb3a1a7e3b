// `npm run schema` (after the build): rewrites schema/runbook.schema.json from the runbook
// schema and the step library. test/runbook/schema-sync.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSchemaFile, SCHEMA_FILE } from '../dist/src/runbook/write-schema.js';
import { builtinRegistry } from '../dist/steps/index.js';

const target = join(import.meta.dirname, '..', SCHEMA_FILE);
writeFileSync(target, renderSchemaFile(builtinRegistry()));
process.stdout.write(`wrote ${target}\n`);
