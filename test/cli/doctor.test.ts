// `runbook doctor` as a script sees it: findings against the incident lab, root causes first,
// proposals in order, exit code by the worst finding; the healthy lab comes out clean.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../support/in-process.js';
import { envOf, useIncidentAndHealthyLabs } from '../support/two-labs.js';

const labs = useIncidentAndHealthyLabs(mkdtempSync(join(tmpdir(), 'runbook-doctor-')));

describe('runbook doctor', () => {
  it('--output json: the incident, root causes first, fixes proposed infrastructure first, exit 7', async () => {
    const r = await runMain(['doctor', '--output', 'json'], { env: envOf(labs.incident) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(7);
    const report = JSON.parse(r.stdout) as { worst: string; findings: { check: string; title: string }[]; proposals: { runbook: string; command: string }[] };
    expect(report.worst).toBe('critical');
    const checks = report.findings.map((f) => f.check);
    // Ballooning (the root cause) is reported before the OOM kills it causes, and those before the failed release.
    expect(checks.indexOf('proxmox.ballooning')).toBeLessThan(checks.findIndex((c) => c.includes('oom') || c.includes('crash')));
    expect(report.findings.some((f) => /k3s-replica-0 reports 516Mi of memory, its VM 111 is configured with 4096 MiB/.test(f.title))).toBe(true);
    // One rolling run for every ballooned node, at the size that fits the host with its reserve.
    expect(report.proposals.map((p) => p.command)).toEqual([
      'runbook run fix-ballooning --nodes k3s-replica-0,k3s-replica-1,k3s-server-0,k3s-server-1,k3s-server-2 --memory 2048',
      'runbook run purge-dead-node --node k3s-replica-2',
      'runbook run unstick-metallb --namespace metallb-system --release metallb --flux-namespace flux-system --root infra-controllers',
    ]);
  });

  it('--output markdown and --report FILE write the same findings for a ticket', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'doctor-report-')), 'report.md');
    const r = await runMain(['doctor', '--output', 'markdown', '--report', file], { env: envOf(labs.incident) });
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/^# Cluster diagnosis /);
    expect(r.stdout).toMatch(/## Proposed remediation \(in this order\)\n\n1\. `runbook run fix-ballooning --nodes /);
    expect(readFileSync(file, 'utf8').split('\n').slice(1)).toEqual(r.stdout.split('\n').slice(1));
  });

  it('without a terminal, the default output is a readable report that never prompts', async () => {
    const r = await runMain(['doctor'], { env: envOf(labs.incident) });
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/lesson: {3}Never balloon Kubernetes nodes/);
    expect(r.stdout).toMatch(/Proposed, in this order \(root causes first\):\n {2}1\. runbook run fix-ballooning/);
  });

  it('the healthy lab has nothing worse than info: exit 0', async () => {
    const r = await runMain(['doctor', '--output', 'json'], { env: envOf(labs.healthy) });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: { severity: string }[]; proposals: unknown[] };
    expect(report.findings.every((f) => f.severity === 'info')).toBe(true);
    expect(report.proposals).toEqual([]);
  });

  it('an unreachable cluster is an error with a hint, not a stack trace', async () => {
    const r = await runMain(['doctor', '--output', 'json', '--kubeconfig', join(tmpdir(), 'missing-kubeconfig')], { env: envOf(labs.incident) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot diagnose: cannot load kubeconfig/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
