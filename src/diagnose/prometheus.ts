// The diagnosis in the Prometheus text exposition format, for node_exporter's textfile
// collector: how a scheduled run's result reaches an alert (kube-prometheus-stack, Alertmanager).
// Format: https://prometheus.io/docs/instrumenting/exposition_formats/ (HELP/TYPE, then samples;
// label values escape \, " and newline). Every series carries runbook="NAME", so two scheduled
// jobs writing two files in the same directory never collide.
import type { Finding, Severity } from './types.js';
import { worstSeverity } from './report.js';

export interface PrometheusRun {
  /** `doctor`, or the runbook's name. */
  runbook: string;
  /** Undefined when nothing could be diagnosed (the cluster could not be read). */
  findings?: readonly Finding[];
  durationSeconds: number;
  exitCode: number;
  finishedAt: Date;
  /** When a run last completed its diagnosis, this one included; undefined if none ever did. */
  lastSuccessAt?: Date;
}

const WORST: Record<Severity | 'none', number> = { none: 0, info: 1, warning: 2, critical: 3 };

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

function gauge(name: string, help: string, samples: Array<[Record<string, string>, string]>): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples.map(([l, v]) => `${name}${labels(l)} ${v}`)].join('\n');
}

export function prometheusReport(r: PrometheusRun): string {
  const who = { runbook: r.runbook };
  const blocks: string[] = [];
  if (r.findings) {
    const counts = new Map<string, { check: string; severity: Severity; n: number }>();
    for (const f of r.findings) {
      const key = `${f.check}\0${f.severity}`;
      const c = counts.get(key) ?? { check: f.check, severity: f.severity, n: 0 };
      c.n += 1;
      counts.set(key, c);
    }
    const sorted = [...counts.values()].sort((a, b) => a.check.localeCompare(b.check) || a.severity.localeCompare(b.severity));
    blocks.push(gauge('runbook_diagnosis_findings', 'Findings of the last diagnosis, by check and severity.', sorted.map((c) => [{ ...who, check: c.check, severity: c.severity }, String(c.n)])));
    blocks.push(gauge('runbook_diagnosis_worst_severity', 'Worst severity of the last diagnosis: 0 none, 1 info, 2 warning, 3 critical.', [[who, String(WORST[worstSeverity(r.findings) ?? 'none'])]]));
  }
  blocks.push(gauge('runbook_run_duration_seconds', 'How long the last run took.', [[who, r.durationSeconds.toFixed(3)]]));
  blocks.push(gauge('runbook_run_exit_code', 'Exit code of the last run (0 ok, 3 cannot read the cluster, 6 warnings, 7 critical; see the README).', [[who, String(r.exitCode)]]));
  blocks.push(gauge('runbook_run_timestamp_seconds', 'When the last run finished (Unix time).', [[who, seconds(r.finishedAt)]]));
  blocks.push(gauge('runbook_last_success_timestamp_seconds', 'When a run last completed its diagnosis (Unix time); 0 if none has.', [[who, r.lastSuccessAt ? seconds(r.lastSuccessAt) : '0']]));
  return `${blocks.join('\n')}\n`;
}

/** The last-success time a previous report recorded for `runbook`, so a failed run keeps it. */
export function previousLastSuccess(text: string, runbook: string): Date | undefined {
  const line = new RegExp(`^runbook_last_success_timestamp_seconds\\{runbook="${escape(runbook).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\} (\\d+)$`, 'm').exec(text);
  const value = Number(line?.[1] ?? 0);
  return value > 0 ? new Date(value * 1000) : undefined;
}
