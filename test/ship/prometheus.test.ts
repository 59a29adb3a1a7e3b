// `doctor --report-prometheus FILE` and `run cluster-hygiene --report-prometheus FILE` against
// the incident lab, read back by a real parser
// (promtool from Debian's prometheus package; scripts/prepare-test-machine.sh installs it): the
// findings by check and severity match the JSON report; a run that cannot read the cluster
// records exit code 3 and keeps the last successful run's time.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useLab } from '../support/two-labs.js';

const root = mkdtempSync(join(tmpdir(), 'runbook-prom-'));
const labs = useLab(join(root, 'lab'));

function promtool(text: string): { code: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is missing (${r.error.message}): run scripts/prepare-test-machine.sh`);
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Samples as `name{labels}` -> value: one sample a line (promtool has checked the format). */
function samples(text: string): Map<string, number> {
  return new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
}

describe('doctor --report-prometheus', () => {
  it('promtool is a real check: it refuses a malformed exposition', () => {
    expect(promtool('runbook_x{a="1" 2\n').code).not.toBe(0);
  });

  it('writes findings by check and severity, the worst severity, duration, exit code and the last success', async () => {
    const file = join(root, 'runbook.prom');
    const r = await runCli(['doctor', '--output', 'json', '--report-prometheus', file], { env: { KUBECONFIG: labs.lab.kubeconfigPath, PROXMOX_ENV_FILE: labs.lab.proxmoxEnvPath } });
    expect(r.code, r.stderr).toBe(7);
    const text = readFileSync(file, 'utf8');
    const check = promtool(text);
    expect(check.out).toBe('');
    expect(check.code).toBe(0);
    const got = samples(text);
    const report = JSON.parse(r.stdout) as { findings: { check: string; severity: string }[] };
    const expected = new Map<string, number>();
    for (const f of report.findings) {
      const key = `runbook_diagnosis_findings{runbook="doctor",check="${f.check}",severity="${f.severity}"}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(new Map([...got].filter(([k]) => k.startsWith('runbook_diagnosis_findings{')))).toEqual(expected);
    expect(got.get('runbook_diagnosis_worst_severity{runbook="doctor"}')).toBe(3);
    expect(got.get('runbook_run_exit_code{runbook="doctor"}')).toBe(7);
    expect(got.get('runbook_run_duration_seconds{runbook="doctor"}')).toBeGreaterThan(0);
    const finished = got.get('runbook_run_timestamp_seconds{runbook="doctor"}')!;
    expect(Math.abs(finished - Date.now() / 1000)).toBeLessThan(120);
    expect(got.get('runbook_last_success_timestamp_seconds{runbook="doctor"}')).toBe(finished);

    // The cluster unreachable (a closed local port): exit 3, no findings, the last success kept.
    const dead = join(root, 'dead-kubeconfig');
    writeFileSync(dead, readFileSync(labs.lab.kubeconfigPath, 'utf8').replace(/server: \S+/, `server: https://127.0.0.1:${closedPort()}`));
    const failed = await runCli(['doctor', '--output', 'json', '--no-proxmox', '--report-prometheus', file], { env: { KUBECONFIG: dead } });
    expect(failed.code, failed.stderr).toBe(3);
    const after = readFileSync(file, 'utf8');
    expect(promtool(after).code).toBe(0);
    const again = samples(after);
    expect(again.get('runbook_run_exit_code{runbook="doctor"}')).toBe(3);
    expect([...again.keys()].some((k) => k.startsWith('runbook_diagnosis_'))).toBe(false);
    expect(again.get('runbook_last_success_timestamp_seconds{runbook="doctor"}')).toBe(finished);
  });
});

describe('run cluster-hygiene --report-prometheus (the scheduled hygiene)', () => {
  it("writes the verdict's findings, worst severity, exit code and last success, labelled cluster-hygiene", async () => {
    const file = join(root, 'hygiene.prom');
    const state = mkdtempSync(join(tmpdir(), 'runbook-prom-state-'));
    const r = await runCli(['--state-dir', state, 'run', 'cluster-hygiene', '--yes', '--output', 'json', '--no-lock', '--report-prometheus', file], { env: { KUBECONFIG: labs.lab.kubeconfigPath, PROXMOX_ENV_FILE: labs.lab.proxmoxEnvPath } });
    expect(r.code, r.stderr).toBe(7);
    const text = readFileSync(file, 'utf8');
    expect(promtool(text)).toEqual({ code: 0, out: '' });
    const got = samples(text);
    expect(got.get('runbook_run_exit_code{runbook="cluster-hygiene"}')).toBe(7);
    expect(got.get('runbook_diagnosis_worst_severity{runbook="cluster-hygiene"}')).toBe(3);
    expect(got.get('runbook_diagnosis_findings{runbook="cluster-hygiene",check="node.dead",severity="critical"}')).toBe(1);
    expect(got.get('runbook_last_success_timestamp_seconds{runbook="cluster-hygiene"}')).toBe(got.get('runbook_run_timestamp_seconds{runbook="cluster-hygiene"}'));
  });
});

/** A port nothing listens on: bound, then closed again. */
function closedPort(): number {
  return Number(execFileSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"], { encoding: 'utf8' }).trim());
}
