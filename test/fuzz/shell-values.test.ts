// Property: whatever a `${{ }}` value holds, and whichever quoting it sits in, bash receives it
// as exactly that text and never runs any of it. Each case runs a real bash (-euo pipefail).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { rewriteShellText } from '../../src/runbook/shell-templates.js';

const scale = Number(process.env.FUZZ_RUNS ?? 1);
const cwd = mkdtempSync(join(tmpdir(), 'shell-fuzz-'));

/** Shell-meaningful characters, weighted so most values hold several (NUL cannot be in env). */
const hostileValue = fc.string({ unit: fc.oneof(fc.constantFrom(...'$`\'"\\;&|<>(){}[]*?~!# \t\n%=,-'.split(''), '$(touch x)', '`touch x`', "'; touch x; '", '"; touch x; "', '${IFS}', '$((1+1))'), fc.string({ minLength: 1, maxLength: 1 }).filter((c) => c !== '\0')), maxLength: 40 });
/** Literal text around the template, safe inside the chosen quotes. */
const plain = fc.stringMatching(/^[a-z0-9 _.-]{0,6}$/);

describe('fuzz: shell text with templates', () => {
  test('the value arrives as one exact argument in bare, double- and single-quoted places', () => {
    fc.assert(
      fc.property(fc.constantFrom('bare', 'double', 'single'), plain, plain, hostileValue, (quote, before, after, value) => {
        const word = quote === 'bare' ? `${before.replace(/ /g, '')}\${{ params.v }}${after.replace(/ /g, '')}` : quote === 'double' ? `"${before}\${{ params.v }}${after}"` : `'${before}\${{ params.v }}${after}'`;
        const expected = quote === 'bare' ? `${before.replace(/ /g, '')}${value}${after.replace(/ /g, '')}` : `${before}${value}${after}`;
        const { text, templates } = rewriteShellText(`printf '[%s]' ${word}`);
        expect(templates.map((t) => t.name)).toEqual(['RUNBOOK_EXPR_1']);
        const r = spawnSync('bash', ['-euo', 'pipefail', '-c', text], { cwd, env: { PATH: process.env.PATH, RUNBOOK_EXPR_1: value }, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe(`[${expected}]`);
        expect(readdirSync(cwd)).toEqual([]);
      }),
      { numRuns: Math.round(300 * scale) },
    );
  }, 60_000);

  test('any text: one variable per template, numbered in order, and no template left behind', () => {
    const text = fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('${{ params.a }}', "'", '"', '\\', '`', '$(', '<<', 'eval ', 'bash -c ')), { maxLength: 12 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(text, (src) => {
        const count = [...src.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].length;
        const r = rewriteShellText(src);
        expect(r.templates.map((t) => t.name)).toEqual(Array.from({ length: count }, (_, i) => `RUNBOOK_EXPR_${i + 1}`));
        expect(/\$\{\{[\s\S]*?\}\}/.test(r.text)).toBe(false);
      }),
      { numRuns: Math.round(2000 * scale) },
    );
  });
});
