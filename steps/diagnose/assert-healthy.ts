// diagnose.assert-healthy: the last word of a hygiene run. Diagnoses again (after any fixes)
// and fails when a finding is at or above `failOn`, with exit code 6 (warning) or 7
// (critical), so a CronJob or a monitoring check can alert on the cluster's state. With
// `prometheus: FILE` it also writes that verdict as metrics for node_exporter's textfile
// collector (src/diagnose/prometheus.ts): a scheduled run's result reaches an alert.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { EXIT, RunbookError } from '../../src/errors.js';
import { exitCodeFor, worstSeverity } from '../../src/diagnose/report.js';
import { readDiagnosis } from './read.js';
import type { Finding } from '../../src/diagnose/types.js';
import { diagnosePermissions } from './permissions.js';

const RANK = { none: 0, info: 0, warning: 1, critical: 2 } as const;

export const diagnoseAssertHealthy = defineStep({
  type: 'diagnose.assert-healthy',
  description: 'Diagnoses again and fails (exit 6 warning / 7 critical) when a finding reaches failOn.',
  params: z.object({ failOn: z.enum(['warning', 'critical', 'never']).default('warning'), proxmox: z.boolean().default(true), prometheus: z.string().default('') }).strict(),
  outputs: z.object({ worst: z.string() }),
  uses: ['kube', 'proxmox'],
  destructive: false,
  permissions: diagnosePermissions,
  async plan({ params }) {
    return [{ op: 'noop', target: 'cluster', summary: `diagnose again; fail on ${params.failOn}` }];
  },
  async apply({ params, adapters, log }) {
    const metrics = async (findings: Finding[] | undefined, exitCode: number) => {
      if (!params.prometheus) return;
      const { writePrometheusFile } = await import('../../src/diagnose/prometheus-file.js');
      // The run's duration: a hygiene run is one CLI process, and performance.now() counts from its start.
      const durationSeconds = performance.now() / 1000;
      writePrometheusFile(params.prometheus, { runbook: 'cluster-hygiene', durationSeconds, exitCode, finishedAt: new Date(), ...(findings ? { findings } : {}) }, findings !== undefined);
    };
    let findings: Finding[];
    try {
      ({ findings } = await readDiagnosis(adapters, params.proxmox));
    } catch (e) {
      await metrics(undefined, EXIT.stepFailed);
      throw e;
    }
    const worst = worstSeverity(findings) ?? 'none';
    log(`worst finding: ${worst} (${findings.length} finding(s))`);
    if (params.failOn !== 'never' && RANK[worst] >= RANK[params.failOn]) {
      const exitCode = exitCodeFor(findings) === EXIT.ok ? EXIT.findingsWarning : exitCodeFor(findings);
      await metrics(findings, exitCode);
      const top = findings.filter((f) => f.severity === worst).slice(0, 3).map((f) => f.title);
      throw new RunbookError('E_FINDINGS', `the cluster has ${worst} findings: ${top.join('; ')}${findings.length > 3 ? '; ...' : ''}`, { exitCode });
    }
    await metrics(findings, EXIT.ok);
    return { outputs: { worst } };
  },
});
