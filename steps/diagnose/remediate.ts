// diagnose.remediate: run the proposed fixes the policy allows, each as its own journaled run
// of the runbook CLI (same binary, same environment), in the proposed order (root causes
// first); stop at the first that does not succeed. What the policy does not allow is
// reported, not run. Undo is the child runs' business: `runbook rollback CHILD_RUN_ID`.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { commandOf } from '../../src/diagnose/report.js';
import { proposalArgs } from '../../src/diagnose/proposals.js';
import { selfCommand } from '../../src/self-command.js';
import { readPolicy } from './policy.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const proposal = z.object({ runbook: z.string(), params: z.record(z.string(), z.unknown()), fixes: z.array(z.string()) });
type Outcome = { runbook: string; command: string; result: 'applied' | 'not-allowed' | 'refused' | 'failed'; exitCode?: number; runId?: string };

export const diagnoseRemediate = defineStep({
  type: 'diagnose.remediate',
  description: 'Runs the proposed fixes that the hygiene policy allows (each as its own journaled run), reports the rest.',
  params: z.object({ proposals: z.array(proposal), fix: z.enum(['none', 'safe']).default('none'), policy: z.string().default('') }).strict(),
  outputs: z.object({ outcomes: z.array(z.object({ runbook: z.string(), command: z.string(), result: z.string(), exitCode: z.number().optional(), runId: z.string().optional() })) }),
  uses: ['shell'],
  destructive: (p) => p.fix === 'safe' && p.proposals.length > 0,
  permissions: [],
  async plan({ params }) {
    if (params.fix === 'none') return params.proposals.map((p) => ({ op: 'noop' as const, target: p.runbook, summary: `reported only (--fix none): ${commandOf(p)}` }));
    const policy = await readPolicy(params.policy);
    return params.proposals.map((p) => (policy.allow.some((a) => a.runbook === p.runbook) ? { op: 'action' as const, target: p.runbook, summary: `run ${commandOf(p)}` } : { op: 'noop' as const, target: p.runbook, summary: 'not allowed by the policy: reported only' }));
  },
  async apply({ params, adapters, log, signal }) {
    const policy = await readPolicy(params.policy);
    const outcomes: Outcome[] = [];
    let stopped = false;
    for (const p of params.proposals) {
      const command = commandOf(p);
      const rule = params.fix === 'safe' ? policy.allow.find((a) => a.runbook === p.runbook) : undefined;
      if (!rule || stopped) {
        outcomes.push({ runbook: p.runbook, command, result: 'not-allowed' });
        continue;
      }
      log(`running ${command}`);
      // --no-lock: this hygiene run already holds the cluster's run lock for its fixes.
      const args = ['run', p.runbook, ...proposalArgs(p), '--output', 'json', '--no-lock', ...(rule.destructive ? ['--yes'] : [])];
      const r = await adapters.shell.run([...selfCommand(), ...args].map(quote).join(' '), { signal });
      const runId = /"runId":\s*"([^"]+)"/.exec(r.stdout)?.[1];
      const result = r.exitCode === 0 ? 'applied' : r.exitCode === 4 ? 'refused' : 'failed';
      outcomes.push({ runbook: p.runbook, command, result, exitCode: r.exitCode, ...(runId ? { runId } : {}) });
      // Later fixes build on earlier ones (infrastructure first): stop at the first failure.
      if (result !== 'applied') stopped = true;
    }
    return { outputs: { outcomes }, undo: null };
  },
});
