// Findings as a person reads them (a table, one finding explained) and as machines and
// tickets take them (JSON, Markdown). The exit code follows the worst finding.
import { EXIT, type ExitCode } from '../errors.js';
import type { Finding, Severity } from './types.js';
import type { Proposal } from './proposals.js';
import { proposalArgs } from './proposals.js';

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const MARK: Record<Severity, string> = { info: 'info', warning: 'WARN', critical: 'CRIT' };

export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  return findings.reduce<Severity | undefined>((w, f) => (w === undefined || RANK[f.severity] > RANK[w] ? f.severity : w), undefined);
}

export function exitCodeFor(findings: readonly Finding[]): ExitCode {
  const worst = worstSeverity(findings);
  return worst === 'critical' ? EXIT.findingsCritical : worst === 'warning' ? EXIT.findingsWarning : EXIT.ok;
}

export function commandOf(p: Proposal): string {
  return ['runbook run', p.runbook, ...proposalArgs(p)].join(' ');
}

export function summaryTable(findings: readonly Finding[]): string {
  if (!findings.length) return 'No findings: the cluster looks healthy.\n';
  const rows = findings.map((f, i) => [String(i + 1), MARK[f.severity], f.title, f.fix ? f.fix.runbook : '-']);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...[['#', 'SEV', 'FINDING', 'FIX'], ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(['#', 'SEV', 'FINDING', 'FIX']), ...rows.map(line)].join('\n')}\n`;
}

export function explain(f: Finding, all: readonly Finding[]): string {
  const causes = (f.causes ?? []).map((id) => all.find((x) => x.id === id)?.title ?? id);
  return [
    `${MARK[f.severity]} ${f.title}  [${f.check}]`,
    `  objects:  ${f.objects.join(', ') || '-'}`,
    ...f.evidence.map((e, i) => `  ${i === 0 ? 'evidence:' : '         '} ${e}`),
    `  lesson:   ${f.lesson}`,
    ...(causes.length ? [`  leads to: ${causes.join('; ')}`] : []),
    `  fix:      ${f.fix ? commandOf({ runbook: f.fix.runbook, params: f.fix.params, fixes: [f.id] }) : 'no runbook: see the lesson'}`,
    '',
  ].join('\n');
}

export function markdownReport(findings: readonly Finding[], proposals: readonly Proposal[], when = new Date()): string {
  const out = [`# Cluster diagnosis ${when.toISOString()}`, '', `Worst finding: **${worstSeverity(findings) ?? 'none'}**, ${findings.length} finding(s).`, ''];
  if (proposals.length) {
    out.push('## Proposed remediation (in this order)', '', ...proposals.map((p, i) => `${i + 1}. \`${commandOf(p)}\``), '');
  }
  out.push('## Findings', '');
  for (const f of findings) {
    out.push(`### ${f.severity.toUpperCase()}: ${f.title}`, '', `- check: \`${f.check}\``, `- objects: ${f.objects.map((o) => `\`${o}\``).join(', ') || '-'}`, ...f.evidence.map((e) => `- ${e}`), `- lesson: ${f.lesson}`, '');
  }
  return `${out.join('\n')}\n`;
}

export function jsonReport(findings: readonly Finding[], proposals: readonly Proposal[], when = new Date()): string {
  return `${JSON.stringify({ time: when.toISOString(), worst: worstSeverity(findings) ?? null, exitCode: exitCodeFor(findings), findings, proposals: proposals.map((p) => ({ ...p, command: commandOf(p) })) }, null, 2)}\n`;
}

/** What changed between two diagnoses, by finding id. */
export function beforeAfter(before: readonly Finding[], after: readonly Finding[]): string {
  const ids = new Set(after.map((f) => f.id));
  const gone = before.filter((f) => !ids.has(f.id));
  const was = new Set(before.map((f) => f.id));
  const fresh = after.filter((f) => !was.has(f.id));
  const kept = after.filter((f) => was.has(f.id));
  return [
    `Resolved (${gone.length}):`, ...gone.map((f) => `  ✔ ${f.title}`),
    `Still there (${kept.length}):`, ...kept.map((f) => `  • ${f.title}`),
    ...(fresh.length ? [`New (${fresh.length}):`, ...fresh.map((f) => `  ! ${f.title}`)] : []),
    '',
  ].join('\n');
}
