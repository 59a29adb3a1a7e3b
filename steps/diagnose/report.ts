// diagnose.report: diagnose the cluster (read-only) and write the report as JSON and/or
// Markdown files; outputs the findings' summary and the proposed fixes for later steps.
import { writeFile } from 'node:fs/promises';
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { jsonReport, markdownReport, worstSeverity } from '../../src/diagnose/report.js';
import { readDiagnosis } from './read.js';
import { diagnosePermissions } from './permissions.js';

export const diagnoseReport = defineStep({
  type: 'diagnose.report',
  description: 'Diagnoses the cluster and Proxmox (read-only) and writes the report (JSON, Markdown); outputs the findings and proposed fixes.',
  params: z.object({ json: z.string().default(''), markdown: z.string().default(''), proxmox: z.boolean().default(true) }).strict(),
  outputs: z.object({ worst: z.string(), findings: z.number(), critical: z.number(), warnings: z.number(), proposals: z.array(z.object({ runbook: z.string(), params: z.record(z.string(), z.unknown()), fixes: z.array(z.string()) })) }),
  uses: ['kube', 'proxmox'],
  destructive: false,
  permissions: diagnosePermissions,
  async plan({ params }) {
    const files = [params.json, params.markdown].filter(Boolean);
    return [{ op: 'noop', target: 'cluster', summary: `diagnose (read-only)${files.length ? `; write ${files.join(', ')}` : ''}` }];
  },
  async apply({ params, adapters }) {
    const { findings, proposals } = await readDiagnosis(adapters, params.proxmox);
    if (params.json) await writeFile(params.json, jsonReport(findings, proposals));
    if (params.markdown) await writeFile(params.markdown, markdownReport(findings, proposals));
    return {
      outputs: {
        worst: worstSeverity(findings) ?? 'none',
        findings: findings.length,
        critical: findings.filter((f) => f.severity === 'critical').length,
        warnings: findings.filter((f) => f.severity === 'warning').length,
        proposals,
      },
    };
  },
});
