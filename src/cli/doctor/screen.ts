// What interactive doctor prints, fitted to the terminal's width: a one-line summary, the
// findings one line each (titles cut, never wrapped), then the proposed fixes.
import type { Proposal } from '../../diagnose/proposals.js';
import { commandOf } from '../../diagnose/report.js';
import type { Finding, Severity } from '../../diagnose/types.js';
import { truncate } from './fit.js';

const MARK: Record<Severity, string> = { info: 'info', warning: 'WARN', critical: 'CRIT' };
const NAMES: [Severity, string][] = [['critical', 'critical'], ['warning', 'warning(s)'], ['info', 'info']];

export function findingsSummary(findings: readonly Finding[]): string {
  if (!findings.length) return 'No findings: the cluster looks healthy.';
  const counts = NAMES.map(([sev, name]) => [findings.filter((f) => f.severity === sev).length, name] as const).filter(([n]) => n > 0);
  return `${findings.length} finding(s): ${counts.map(([n, name]) => `${n} ${name}`).join(', ')}.`;
}

/** The findings table, each row cut to `width` columns. */
export function findingsTable(findings: readonly Finding[], width: number): string[] {
  const num = String(findings.length).length + 2;
  const fix = Math.max(3, ...findings.map((f) => f.fix?.runbook.length ?? 1));
  const title = Math.max(10, width - num - 6 - fix - 2);
  const row = (n: string, sev: string, t: string, f: string) => `${n.padEnd(num)}${sev.padEnd(6)}${truncate(t, title).padEnd(title)}  ${f}`.trimEnd();
  return [row('#', 'SEV', 'FINDING', 'FIX'), ...findings.map((f, i) => row(String(i + 1), MARK[f.severity], f.title, f.fix?.runbook ?? '-'))].map((l) => truncate(l, width));
}

export function proposalsText(proposals: readonly Proposal[]): string {
  return `Proposed, in this order (root causes first):\n${proposals.map((p, i) => `  ${i + 1}. ${commandOf(p)}`).join('\n')}\n`;
}
