// Every runbook we ship validates, is named after its file, and tells editors its schema.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/load.js';
import { builtinRegistry } from '../../steps/index.js';

const dir = join(import.meta.dirname, '..', '..', 'runbooks');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('shipped runbooks', () => {
  it('include the incident runbooks', () => {
    expect(files).toEqual(expect.arrayContaining(['purge-dead-node.yaml', 'fix-ballooning.yaml', 'unstick-metallb.yaml']));
  });

  it.each(files)('%s validates cleanly, is named after its file and carries the schema modeline', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const { runbook, diagnostics } = parseRunbook(text, file, builtinRegistry());
    expect(diagnostics).toEqual([]);
    expect(runbook?.name).toBe(file.replace(/\.yaml$/, ''));
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/runbook.schema.json');
  });
});
