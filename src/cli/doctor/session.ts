// The interactive part of `runbook doctor`, made for a small terminal: the findings summary,
// the proposed fixes, a three-line menu (run the fixes / explain one by number / quit). The
// fixes go through the normal run pipeline (plan, confirm, apply), then doctor diagnoses
// again and shows what changed. Every prompt needs a terminal; `doctor` checks first.
// Ctrl-C at any question ends doctor as interrupted (130); Esc at the menu declines (4).
import type { Finding } from '../../diagnose/types.js';
import type { StepRegistry } from '../../step/define-step.js';
import { EXIT, RunbookError } from '../../errors.js';
import { coerceParams } from '../../runbook/params.js';
import type { GlobalFlags } from '../context.js';
import { loadRunbook } from '../context.js';
import type { CliIO } from '../io.js';
import { runWithUi } from '../run-with-ui.js';
import type { Proposal } from '../../diagnose/proposals.js';
import { proposeRemediations } from '../../diagnose/proposals.js';
import { beforeAfter, commandOf, exitCodeFor, explain } from '../../diagnose/report.js';
import { truncate, wrap } from './fit.js';
import { showPaged } from './pager.js';
import { findingsSummary, findingsTable, proposalsText } from './screen.js';

interface DoctorSession {
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

// The question and its three choices, with the line enquirer leaves after an answer.
const MENU_LINES = 5;

export async function interactiveDoctor(s: DoctorSession, initial: Finding[]): Promise<number> {
  const { pickOne, askText, interruptedAtPrompt } = await import('../../ui/prompt.js');
  const width = s.io.columns || 80;
  const height = s.io.rows || 24;
  let findings = initial;
  for (;;) {
    const proposals = proposeRemediations(findings);
    const fixes = proposals.length ? wrap(proposalsText(proposals).trimEnd(), width) : [];
    // Summary and table first, paged so the fixes and the menu below them stay on screen.
    await showPaged(s.io, ['', findingsSummary(findings), ...(findings.length ? findingsTable(findings, width) : [])], height, fixes.length + MENU_LINES + 1);
    // Nothing a runbook can fix: say so and end, with the exit code of what is left.
    if (!proposals.length) {
      s.io.out(findings.length ? '\nNo runbook fixes what is left: see `runbook doctor --output markdown` for the details and lessons.\n' : '');
      return exitCodeFor(findings);
    }
    s.io.out(`\n${fixes.join('\n')}\n`);
    for (;;) {
      const choice = await pickOne('What next?', [
        { name: 'all', message: truncate(`Run the ${proposals.length} proposed fix(es) in order (each shows its plan and asks first)`, width - 4) },
        { name: 'explain', message: truncate(`Explain a finding (by its number, 1-${findings.length})`, width - 4) },
        { name: 'quit', message: 'Quit' },
      ], s.io.stdin);
      if (!choice.ok) {
        if (choice.end === 'interrupt') throw interruptedAtPrompt();
        s.io.out('Declined: nothing was run.\n');
        return EXIT.declined;
      }
      if (choice.value === 'quit') return EXIT.ok;
      if (choice.value === 'all') break;
      const which = await askText(`Which finding? (1-${findings.length})`, (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= findings.length) || `a number from 1 to ${findings.length}`, s.io.stdin);
      if (!which.ok && which.end === 'interrupt') throw interruptedAtPrompt();
      // The explanation stays on screen: the menu follows it, nothing is printed over it.
      if (which.ok) await showPaged(s.io, ['', ...wrap(explain(findings[Number(which.value) - 1]!, findings).trimEnd(), width)], height, MENU_LINES);
    }
    for (const p of proposals) {
      const code = await runProposal(s, p);
      // Ctrl-C in a run ends doctor too: the run already asked (or followed --on-interrupt).
      if (code === EXIT.interrupted) return code;
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
