// `${{ }}` in shell text: rewritten into variable references fit for their quoting context,
// and `validate` warns where a second parse (eval, sh -c, backticks...) could run the value.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { parseRunbook } from '../../src/runbook/load.js';
import { rewriteShellText } from '../../src/runbook/shell-templates.js';
import { registry } from '../steps/fixture.js';

/** What bash prints for `text` with RUNBOOK_EXPR_1 set to `value` (under -euo pipefail). */
function bash(text: string, value: string): string {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', rewriteShellText(text).text], { env: { PATH: process.env.PATH, RUNBOOK_EXPR_1: value, RUNBOOK_EXPR_2: value }, encoding: 'utf8' });
  return r.stdout;
}

describe('rewriteShellText', () => {
  const value = `a  b * $(echo x) \`y\` ' " \\ ;`;
  test.each([
    ['printf "[%s]" ${{ x }}', `[${value}]`],
    ['printf "[%s]" "in ${{ x }} out"', `[in ${value} out]`],
    ["printf '[%s]' 'in ${{ x }} out'", `[in ${value} out]`],
    ['printf "[%s]" pre${{ x }}post', `[pre${value}post]`],
    ['printf "[%s]" "it\'s" ${{ x }}', `[it's][${value}]`],
    ['printf "[%s]" \'"\' ${{ x }} "\'" ${{ y }}', `["][${value}]['][${value}]`],
  ])('%s: the value stays one word, exactly', (text, expected) => {
    expect(bash(text, value)).toBe(expected);
  });

  test('numbers the variables from `first` and keeps the expression text', () => {
    const r = rewriteShellText('cp ${{ params.a }} "${{ params.b }}"', 3);
    expect(r.text).toBe('cp "${RUNBOOK_EXPR_3}" "${RUNBOOK_EXPR_4}"');
    expect(r.templates.map((t) => [t.name, t.src.trim(), t.offset])).toEqual([['RUNBOOK_EXPR_3', 'params.a', 3], ['RUNBOOK_EXPR_4', 'params.b', 20]]);
  });
});

describe('validate: templates where the shell parses text again', () => {
  const runbook = (run: string) => `apiVersion: runbook.dev/v1
name: t
description: t
params:
  msg: { type: string, description: m, default: x }
steps:
  - id: sh
    uses: core.shell
    with:
      observeOnly: true
      run: ${JSON.stringify(run)}
`;
  test.each([
    ['eval "echo ${{ params.msg }}"', 'in text that a second shell parses (eval, sh -c, ssh)'],
    ['bash -c "echo ${{ params.msg }}"', 'in text that a second shell parses (eval, sh -c, ssh)'],
    ['ssh node1 "echo ${{ params.msg }}"', 'in text that a second shell parses (eval, sh -c, ssh)'],
    ['echo `echo ${{ params.msg }}`', 'inside backticks'],
    ['echo "$(echo ${{ params.msg }})"', 'inside $( ) within double quotes'],
    ['cat <<EOF\n${{ params.msg }}\nEOF', 'in a here-document'],
  ])('%s is a positioned warning, not an error', (run, why) => {
    const { runbook: rb, diagnostics } = parseRunbook(runbook(run), 'w.yaml', registry);
    expect(rb).toBeDefined();
    expect(diagnostics).toEqual([expect.objectContaining({ file: 'w.yaml', line: 11, col: 7, severity: 'warning', message: `\`\${{ params.msg }}\` sits ${why}: its value (passed as $RUNBOOK_EXPR_1) may run as code there` })]);
  });

  test.each(['echo ${{ params.msg }}', 'echo "rebooted ${{ params.msg }}"', "echo 'x ${{ params.msg }}'", 'ls . && echo ${{ params.msg }}'])('%s: no warning', (run) => {
    expect(parseRunbook(runbook(run), 'w.yaml', registry).diagnostics).toEqual([]);
  });
});
