// The committed JSON Schema (what editors validate against) must match the zod schema the
// validator uses. Regenerate with `npm run schema`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSchemaFile, SCHEMA_FILE } from '../../src/runbook/write-schema.js';
import { builtinRegistry } from '../../steps/index.js';

const root = join(import.meta.dirname, '..', '..');

describe('runbook JSON Schema', () => {
  it('is in sync with the zod schema (run `npm run schema` when this fails)', () => {
    expect(readFileSync(join(root, SCHEMA_FILE), 'utf8')).toBe(renderSchemaFile(builtinRegistry()));
  });

  it('names the fields editors complete', () => {
    const schema = JSON.parse(renderSchemaFile(builtinRegistry())) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['apiVersion', 'name', 'description', 'params', 'preflight', 'steps']);
    expect(schema.required).toEqual(['apiVersion', 'name', 'description', 'steps']);
  });
});

// What an editor does with the file: a real JSON Schema validator (ajv, draft-07) checks `with:`
// against the step type named in `uses:`.
describe('runbook JSON Schema types with: per uses:', async () => {
  const { Ajv } = await import('ajv');
  const { load } = await import('js-yaml');
  const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(renderSchemaFile(builtinRegistry())) as object);
  const withSteps = (steps: string) => load(`apiVersion: runbook.dev/v1\nname: t\ndescription: d\nsteps:\n${steps}`);
  const errorsOf = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

  it('accepts every shipped runbook and example', async () => {
    const { readdirSync } = await import('node:fs');
    for (const dir of ['runbooks', 'examples']) {
      for (const f of readdirSync(join(root, dir)).filter((n) => n.endsWith('.yaml'))) {
        const doc = load(readFileSync(join(root, dir, f), 'utf8')) as { apiVersion?: string };
        if (doc.apiVersion === 'runbook.dev/v1') expect(errorsOf(doc), `${dir}/${f}`).toEqual([]);
      }
    }
  });

  it('flags an unknown with: key, a wrong type and a missing required field; takes ${{ }} anywhere', () => {
    expect(errorsOf(withSteps('  - { id: a, uses: k8s.drain, with: { nodee: x } }\n')).join('\n')).toMatch(/\/steps\/0\/with must have required property 'node'[\s\S]*must NOT have additional properties/);
    expect(errorsOf(withSteps('  - { id: a, uses: proxmox.set-memory, with: { node: n1, memory: lots } }\n')).join('\n')).toMatch(/\/steps\/0\/with\/memory must be integer/);
    expect(errorsOf(withSteps('  - { id: a, uses: proxmox.set-memory, with: { node: "${{ item }}", memory: "${{ params.m }}" } }\n'))).toEqual([]);
    expect(errorsOf(withSteps('  - id: g\n    forEach: params.n\n    steps:\n      - { id: a, uses: k8s.uncordon, with: { nod: x } }\n')).join('\n')).toMatch(/\/steps\/0\/steps\/0\/with/);
  });
});
