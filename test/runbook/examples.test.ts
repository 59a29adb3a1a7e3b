// The README's example is a real file in examples/, and it validates: documentation that
// cannot rot silently.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/load.js';
import { builtinRegistry } from '../../steps/index.js';

const root = join(import.meta.dirname, '..', '..');
// Runbooks only: examples/ also holds an inventory and a hygiene policy, tested where they are read.
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml') && readFileSync(join(root, 'examples', f), 'utf8').includes('apiVersion: runbook.dev/'));

describe('examples', () => {
  it('the README shows examples/reboot-workers.yaml verbatim', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(join(root, 'examples', 'reboot-workers.yaml'), 'utf8'));
  });

  it('the hygiene policy example is a valid policy', async () => {
    const { readPolicy } = await import('../../steps/diagnose/policy.js');
    expect((await readPolicy(join(root, 'examples', 'hygiene-policy.yaml'))).allow).toEqual([{ runbook: 'unstick-metallb', destructive: true }]);
  });

  it.each(examples)('%s validates', (file) => {
    const { runbook, diagnostics } = parseRunbook(readFileSync(join(root, 'examples', file), 'utf8'), file, builtinRegistry());
    expect(diagnostics).toEqual([]);
    expect(runbook?.name).toBe(file.replace(/\.yaml$/, ''));
  });
});
