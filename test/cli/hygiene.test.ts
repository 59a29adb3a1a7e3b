// The scheduled, unattended mode: `runbook run cluster-hygiene` with no terminal. It never
// prompts, writes its reports, runs only what the policy allows, and exits by the worst finding.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/engine/journal.js';
import { runMain } from '../support/in-process.js';
import { envOf, useIncidentAndHealthyLabs } from '../support/two-labs.js';

const root = mkdtempSync(join(tmpdir(), 'runbook-hygiene-'));
const state = join(root, 'state');
const labs = useIncidentAndHealthyLabs(root);

describe('cluster-hygiene (unattended)', () => {
  it('reports without a terminal or --yes, writes JSON and Markdown, exits 7 on critical findings', async () => {
    const json = join(root, 'report.json');
    const md = join(root, 'report.md');
    const r = await runMain(['--state-dir', state, 'run', 'cluster-hygiene', '--report-json', json, '--report-markdown', md, '--output', 'json'], { env: envOf(labs.incident) });
    expect(r.code).toBe(7);
    const outcome = JSON.parse(r.stdout) as { status: string; exitCode: number; message: string };
    // Findings are the cluster's, not a failure of the run: its status says so.
    expect(outcome).toMatchObject({ status: 'findings', exitCode: 7 });
    expect(outcome.message).toMatch(/the cluster has critical findings/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { worst: string; findings: unknown[]; proposals: { runbook: string }[] };
    expect(report.worst).toBe('critical');
    expect(report.proposals.map((p) => p.runbook)).toEqual(['fix-ballooning', 'purge-dead-node', 'unstick-metallb']);
    expect(readFileSync(md, 'utf8')).toMatch(/^# Cluster diagnosis .*\n\nWorst finding: \*\*critical\*\*/);
  });

  it('a report-only run with findings is not shown, nor listed in history, as failed', async () => {
    const own = join(root, 'state-findings');
    const r = await runMain(['--state-dir', own, 'run', 'cluster-hygiene'], { env: envOf(labs.incident) });
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/Run \S+ finished with findings \(exit 7\): .*critical findings/);
    expect(r.stdout).not.toMatch(/✖|FAILED|\bfailed\b/);
    const history = await runMain(['--state-dir', own, 'history']);
    expect(history.stdout).toMatch(/cluster-hygiene\s+findings\s/);
    // Which cluster each run targeted: the kubeconfig's context and API server.
    expect(history.stdout).toContain(`runbook-lab (${labs.incident.kube.url})`);
    expect(history.stdout).not.toMatch(/failed/);
  });

  it('--fix safe plans its fixes at run time: the plan never says "Nothing to change"', async () => {
    const r = await runMain(['plan', 'cluster-hygiene', '--fix', 'safe', '--policy', 'examples/hygiene-policy.yaml'], { env: envOf(labs.incident) });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/Nothing to change/);
    expect(r.stdout).toMatch(/Summary: .*, 1 planned at run time\./);
  });

  it('--fix safe without a policy runs nothing and says why', async () => {
    const r = await runMain(['--state-dir', state, 'run', 'cluster-hygiene', '--fix', 'safe', '--yes', '--output', 'json'], { env: envOf(labs.incident) });
    expect(r.code).toBe(7);
    const { runId } = JSON.parse(r.stdout) as { runId: string };
    const applied = (await readJournal(state, runId)).find((rec) => rec.t === 'step-applied' && rec.key === 'fixes') as { outputs: { outcomes: { runbook: string; result: string }[] } };
    expect(applied.outputs.outcomes).toEqual([
      expect.objectContaining({ runbook: 'fix-ballooning', result: 'not-allowed' }),
      expect.objectContaining({ runbook: 'purge-dead-node', result: 'not-allowed' }),
      expect.objectContaining({ runbook: 'unstick-metallb', result: 'not-allowed' }),
    ]);
  });

  it('--fix safe needs --yes without a terminal: refuses before anything runs', async () => {
    const r = await runMain(['--state-dir', state, 'run', 'cluster-hygiene', '--fix', 'safe', '--policy', 'examples/hygiene-policy.yaml'], { env: envOf(labs.incident) });
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).toMatch(/pass --yes to approve, nothing was changed/);
  });

  it('a healthy cluster exits 0', async () => {
    const r = await runMain(['--state-dir', state, 'run', 'cluster-hygiene', '--output', 'json'], { env: envOf(labs.healthy) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'succeeded' });
  });
});
