// The committed JSON Schema (what editors validate against) must match the zod schema the
// validator uses. Regenerate with `npm run schema`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemaFile, SCHEMA_FILE } from '../../src/runbook/write-schema.js';

const root = join(import.meta.dirname, '..', '..');

describe('runbook JSON Schema', () => {
  it('is in sync with the zod schema (run `npm run schema` when this fails)', () => {
    expect(readFileSync(join(root, SCHEMA_FILE), 'utf8')).toBe(renderSchemaFile());
  });

  it('names the fields editors complete', () => {
    const schema = JSON.parse(renderSchemaFile()) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['apiVersion', 'name', 'description', 'params', 'preflight', 'steps']);
    expect(schema.required).toEqual(['apiVersion', 'name', 'description', 'steps']);
  });
});
