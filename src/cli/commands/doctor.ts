// `runbook doctor`: diagnose the cluster, explain, propose the runbooks that fix it (root causes
// first), confirm, run, diagnose again. `--output json|markdown` only reports, never prompts.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, RunbookError } from '../../errors.js';
import { cliAdapters, listReader } from '../adapters.js';
import type { AdapterFlags } from '../adapters.js';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry } from '../context.js';
import type { CliIO } from '../io.js';
import type { Finding } from '../../diagnose/types.js';
import { addTargetOptions } from '../target-options.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

interface DoctorOpts extends AdapterFlags {
  output: string;
  report?: string;
  reportPrometheus?: string;
  gitops?: string;
  noProxmox?: boolean;
  proxmox?: boolean;
}

export function registerDoctor(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('doctor')
    .description(SUMMARIES.doctor.description)
    .addOption(outputOption(['interactive', 'text', 'json', 'markdown'], ' (interactive needs a terminal; without one, text)'))
    .option('--report <file>', 'also write the report (json or markdown by extension) to this file')
    .option('--report-prometheus <file>', "also write the findings, exit code and duration as Prometheus metrics (node_exporter's textfile collector)")
    .option('--gitops <dir>', 'a GitOps checkout to scan too (e.g. for reserved system- PriorityClass names)')
    .option('--no-proxmox', 'Kubernetes only (skip the Proxmox checks)')
    .addHelpText('after', `
Examples:
  runbook doctor                               findings, explanations, fixes (asks before each change)
  runbook doctor --output markdown > report.md
  runbook doctor --output json                 for scripts; exit code by the worst finding
  runbook doctor -o json --report-prometheus /var/lib/prometheus/node-exporter/runbook.prom

Exit codes: 0 nothing worse than info, 6 warnings, 7 critical findings, 3 cannot read the cluster.
`);
  addTargetOptions(cmd);
  cmd.action(async (opts: DoctorOpts, c: Command) => {
    const flags = globalFlags(c);
    const [{ diagnose }, { proposeRemediations }, report] = await Promise.all([import('../../diagnose/diagnose.js'), import('../../diagnose/proposals.js'), import('../../diagnose/report.js')]);
    const adapters = cliAdapters(io, opts);
    // Doctor lists; its reader need not load the Kubernetes client (the fixes it runs do).
    let kubeReader: ReturnType<typeof listReader> | undefined;
    const run = async () => {
      const kube = await (kubeReader ??= listReader(io, opts));
      const proxmox = opts.proxmox === false ? undefined : (await adapters.reader(['proxmox'])).proxmox;
      return diagnose({ kube, ...(proxmox ? { proxmox } : {}) }, { ...(opts.gitops ? { gitopsDir: resolve(io.cwd, opts.gitops) } : {}) });
    };
    const started = Date.now();
    const metrics = async (findings: Finding[] | undefined, exitCode: number) => {
      if (!opts.reportPrometheus) return;
      const { writePrometheusFile } = await import('../../diagnose/prometheus-file.js');
      const run = { runbook: 'doctor', durationSeconds: (Date.now() - started) / 1000, exitCode, finishedAt: new Date(), ...(findings ? { findings } : {}) };
      writePrometheusFile(resolve(io.cwd, opts.reportPrometheus), run, findings !== undefined);
    };
    let findings;
    try {
      findings = await run();
    } catch (e) {
      // Nothing could be read: like a failed preflight, nothing was judged and nothing changed.
      if (e instanceof RunbookError) {
        await metrics(undefined, EXIT.preflightFailed);
        throw new RunbookError(e.code, `cannot diagnose: ${e.message}`, { ...(e.hint ? { hint: e.hint } : {}), exitCode: EXIT.preflightFailed });
      }
      await metrics(undefined, EXIT.internal);
      throw e;
    }
    const proposals = proposeRemediations(findings);
    if (opts.report) {
      const file = resolve(io.cwd, opts.report);
      writeFileSync(file, file.endsWith('.json') ? report.jsonReport(findings, proposals) : report.markdownReport(findings, proposals));
    }
    const format = opts.output === 'interactive' && !(io.stdinIsTTY && io.stdoutIsTTY) ? 'text' : opts.output;
    if (format === 'json') io.out(report.jsonReport(findings, proposals));
    else if (format === 'markdown') io.out(report.markdownReport(findings, proposals));
    else if (format === 'text') {
      io.out(report.summaryTable(findings));
      for (const f of findings) io.out(`\n${report.explain(f, findings)}`);
      if (proposals.length) io.out(`\nProposed, in this order (root causes first):\n${proposals.map((p, i) => `  ${i + 1}. ${report.commandOf(p)}`).join('\n')}\n`);
    } else {
      const { interactiveDoctor } = await import('../doctor/session.js');
      const registry = await loadRegistry();
      result.exitCode = await interactiveDoctor({ io, flags, registry, targetOpts: { ...opts }, diagnose: run }, findings);
      await metrics(findings, result.exitCode);
      return;
    }
    result.exitCode = report.exitCodeFor(findings);
    await metrics(findings, result.exitCode);
  });
}
