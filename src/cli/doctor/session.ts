// The interactive part of `runbook doctor`: explain findings on demand, propose the fixes in
// order, run the chosen ones through the normal run pipeline (plan, confirm, apply), then
// diagnose again and show what changed. Every prompt needs a terminal; `doctor` checks first.
import type { Finding } from '../../diagnose/types.js';
import type { StepRegistry } from '../../engine/define-step.js';
import { RunbookError } from '../../errors.js';
import { coerceParams } from '../../runbook/params.js';
import type { GlobalFlags } from '../context.js';
import { loadRunbook } from '../context.js';
import type { CliIO } from '../io.js';
import { runWithUi } from '../run-with-ui.js';
import type { Proposal } from '../../diagnose/proposals.js';
import { proposeRemediations } from '../../diagnose/proposals.js';
import { beforeAfter, commandOf, exitCodeFor, explain, summaryTable } from '../../diagnose/report.js';

export interface DoctorSession {
  io: CliIO;
  flags: GlobalFlags;
  registry: StepRegistry;
  /** Adapter flags (--kubeconfig, --proxmox-*) passed on to the runs. */
  targetOpts: Record<string, unknown>;
  diagnose(): Promise<Finding[]>;
}

async function runProposal(s: DoctorSession, p: Proposal): Promise<number> {
  const { runbook } = await loadRunbook(p.runbook, s.io, s.flags, s.registry);
  const typed = coerceParams(runbook, p.params);
  if (typed.errors.length) throw new RunbookError('E_PARAMS', `cannot run ${commandOf(p)}: ${typed.errors.join('; ')}`);
  s.io.out(`\n$ ${commandOf(p)}\n`);
  return runWithUi({ io: s.io, flags: s.flags, runbook, registry: s.registry, params: typed.values, opts: { ...s.targetOpts, output: 'text', onInterrupt: 'ask' } });
}

export async function interactiveDoctor(s: DoctorSession, initial: Finding[]): Promise<number> {
  const { pickOne } = await import('../../ui/prompt.js');
  let findings = initial;
  for (;;) {
    const proposals = proposeRemediations(findings);
    s.io.out(`\n${summaryTable(findings)}`);
    // Nothing a runbook can fix: say so and end, with the exit code of what is left.
    if (!proposals.length) {
      s.io.out(findings.length ? '\nNo runbook fixes what is left: see `runbook doctor --output markdown` for the details and lessons.\n' : '');
      return exitCodeFor(findings);
    }
    if (proposals.length) s.io.out(`\nProposed, in this order (root causes first):\n${proposals.map((p, i) => `  ${i + 1}. ${commandOf(p)}`).join('\n')}\n`);
    const choice = await pickOne('What next?', [
      { name: 'all', message: 'Run the proposed fixes in order (each shows its plan and asks first)' },
      ...proposals.map((p, i) => ({ name: `run:${i}`, message: `Run only: ${commandOf(p)}` })),
      ...findings.map((f, i) => ({ name: `explain:${i}`, message: `Explain #${i + 1}: ${f.title}` })),
      { name: 'quit', message: 'Quit' },
    ]);
    if (choice === 'quit') return 0;
    if (choice.startsWith('explain:')) {
      s.io.out(`\n${explain(findings[Number(choice.slice(8))]!, findings)}`);
      continue;
    }
    const chosen = choice === 'all' ? proposals : [proposals[Number(choice.slice(4))]!];
    for (const p of chosen) {
      const code = await runProposal(s, p);
      // A fix that did not go through stops the sequence: what follows depends on it.
      if (code !== 0) {
        s.io.out(`\n${p.runbook} ended with exit code ${code}; stopping here.\n`);
        break;
      }
    }
    const after = await s.diagnose();
    s.io.out(`\nDiagnosis again:\n${beforeAfter(findings, after)}`);
    findings = after;
  }
}
