// core.shell: run a command (zx, through the shell adapter). A shell command can do anything,
// so it must say how to undo it (`rollback:`) or admit it can't (`irreversible: true`).
import { z } from 'zod';
import { defineStep } from '../../src/engine/define-step.js';

const params = z
  .object({
    run: z.string().min(1),
    rollback: z.string().min(1).optional(),
    irreversible: z.boolean().default(false),
    /** Read-only commands (e.g. `kubectl get`) need no confirmation. */
    readOnly: z.boolean().default(false),
    cwd: z.string().optional(),
  })
  .strict()
  .refine((p) => p.readOnly || p.irreversible || p.rollback !== undefined, {
    message: 'a shell step must declare `rollback:` (a command that undoes it), `irreversible: true` or `readOnly: true`',
    path: ['rollback'],
  });

type Undo = { rollback: string; cwd?: string } | { irreversible: true } | null;

export const coreShell = defineStep({
  type: 'core.shell',
  description: 'Runs a shell command; declares its rollback command or that it is irreversible.',
  params,
  outputs: z.object({ stdout: z.string(), exitCode: z.number() }),
  uses: ['shell'],
  destructive: (p) => !p.readOnly,
  permissions: [],
  async plan({ params }) {
    return [{ op: params.readOnly ? 'noop' : 'action', target: 'shell', summary: `run: ${params.run}` }];
  },
  async apply({ params, adapters, signal }) {
    const result = await adapters.shell.run(params.run, { signal, ...(params.cwd ? { cwd: params.cwd } : {}) });
    if (result.exitCode !== 0) {
      throw new Error(`command exited ${result.exitCode}: ${params.run}${result.stderr ? `\n${result.stderr.trim()}` : ''}`);
    }
    const undo: Undo = params.readOnly ? null : params.rollback ? { rollback: params.rollback, ...(params.cwd ? { cwd: params.cwd } : {}) } : { irreversible: true };
    return { outputs: { stdout: result.stdout.trim(), exitCode: result.exitCode }, undo };
  },
  async rollback({ adapters, signal }, undo: Undo) {
    if (!undo) return;
    if ('irreversible' in undo) throw new Error('this shell step declared itself irreversible: undo it by hand');
    const result = await adapters.shell.run(undo.rollback, { signal, ...(undo.cwd ? { cwd: undo.cwd } : {}) });
    if (result.exitCode !== 0) throw new Error(`rollback command exited ${result.exitCode}: ${undo.rollback}`);
  },
});
