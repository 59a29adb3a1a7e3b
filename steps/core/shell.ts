// core.shell: run a command (zx, through the shell adapter). A shell command can do anything,
// so it must say how to undo it (`rollback:`) or admit it can't (`irreversible: true`).
// `${{ }}` in `run:`/`rollback:` reach the command as environment variables, never as code.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { isSecretKey, REDACTED } from '../../src/redact.js';
import { SHELL_VAR_PREFIX } from '../../src/runbook/shell-templates.js';

/** Extra environment variables: names a shell can read, none of the engine's own. */
const env = z.record(z.string(), z.string()).superRefine((vars, ctx) => {
  for (const name of Object.keys(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'an environment variable name is letters, digits and _' });
    else if (name.startsWith(SHELL_VAR_PREFIX)) ctx.addIssue({ code: 'custom', path: [name], message: `names starting with ${SHELL_VAR_PREFIX} carry the values of \`\${{ }}\` in run: and rollback:` });
  }
});

const params = z
  .object({
    run: z.string().min(1),
    rollback: z.string().min(1).optional(),
    irreversible: z.boolean().default(false),
    /** Commands that only look (e.g. `kubectl get`) need no confirmation and no rollback. */
    observeOnly: z.boolean().default(false),
    /** The old name of observeOnly (not StepDefinition.readOnly): still accepted, validate warns. */
    readOnly: z.boolean().optional().meta({ deprecated: true, description: 'the old name of observeOnly' }),
    cwd: z.string().optional(),
    /** Extra environment variables for the command and its rollback; values are data. */
    env: env.optional(),
  })
  .strict()
  .refine((p) => observes(p) || p.irreversible || p.rollback !== undefined, {
    message: 'a shell step must declare `rollback:` (a command that undoes it), `irreversible: true` or `observeOnly: true`',
    path: ['rollback'],
  });

function observes(p: { observeOnly: boolean; readOnly?: boolean }): boolean {
  return p.observeOnly || p.readOnly === true;
}

type Undo = { rollback: string; cwd?: string; env?: Record<string, string> } | { irreversible: true } | null;

/** The variables a command reads, for the plan: `(RUNBOOK_EXPR_1="hi; touch x")`. */
function envNote(command: string, env: Record<string, string> | undefined): string {
  const used = Object.entries(env ?? {}).filter(([k]) => command.includes(`\${${k}}`) || command.includes(`$${k}`));
  return used.length ? ` (${used.map(([k, v]) => `${k}=${isSecretKey(k) ? REDACTED : JSON.stringify(v)}`).join(' ')})` : '';
}

export const coreShell = defineStep({
  type: 'core.shell',
  description: 'Runs a shell command; declares its rollback command or that it is irreversible.',
  params,
  outputs: z.object({ stdout: z.string(), exitCode: z.number() }),
  uses: ['shell'],
  shellText: ['run', 'rollback'],
  renamedParams: { readOnly: 'observeOnly' },
  destructive: (p) => !observes(p),
  // Declared so by the author: a rollback keeps it and says so (it has no command to undo it with).
  irreversible: (p) => !observes(p) && p.irreversible && p.rollback === undefined,
  permissions: [],
  async plan({ params }) {
    return [{ op: observes(params) ? 'noop' : 'action', target: 'shell', summary: `run: ${params.run}${envNote(params.run, params.env)}` }];
  },
  async apply({ params, adapters, signal }) {
    const where = { ...(params.cwd ? { cwd: params.cwd } : {}), ...(params.env ? { env: params.env } : {}) };
    const result = await adapters.shell.run(params.run, { signal, ...where });
    if (result.exitCode !== 0) {
      throw new Error(`command exited ${result.exitCode}: ${params.run}${result.stderr ? `\n${result.stderr.trim()}` : ''}`);
    }
    const undo: Undo = observes(params) ? null : params.rollback ? { rollback: params.rollback, ...where } : { irreversible: true };
    return { outputs: { stdout: result.stdout.trim(), exitCode: result.exitCode }, undo };
  },
  async rollback({ adapters, signal }, undo: Undo) {
    if (!undo) return;
    if ('irreversible' in undo) throw new Error('this shell step declared itself irreversible: undo it by hand');
    // Read back from the journal, a secret's value is redacted: never run the command with it.
    if (Object.values(undo.env ?? {}).includes(REDACTED)) throw new Error(`the rollback command needs a secret param, which the journal never keeps: undo it by hand: ${undo.rollback}`);
    const result = await adapters.shell.run(undo.rollback, { signal, ...(undo.cwd ? { cwd: undo.cwd } : {}), ...(undo.env ? { env: undo.env } : {}) });
    if (result.exitCode !== 0) throw new Error(`rollback command exited ${result.exitCode}: ${undo.rollback}`);
  },
});
