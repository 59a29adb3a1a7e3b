// The single executable as a user without Node runs it: PATH holds kubectl and nothing else (no
// `node` anywhere), the environment nothing of this process's. It finds its shipped runbooks and
// lab scenarios inside itself, starts a lab by re-running itself, and says what the plain CLI
// says; named kubectl-runbook it is a kubectl plugin.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { binDirWith, builtExe } from '../support/exe.js';

const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'runbook-exe-'));
const lab = join(root, 'lab');
let exe: string;
let env: Record<string, string>;

beforeAll(() => {
  exe = builtExe();
  const bin = binDirWith(join(root, 'bin'), ['kubectl'], { 'kubectl-runbook': exe });
  env = { PATH: bin, HOME: join(root, 'home'), XDG_STATE_HOME: join(root, 'state') };
});

afterAll(async () => {
  await runCli(['lab', 'stop', '--dir', lab], { program: exe, env });
});

const run = (args: string[]) => runCli(args, { program: exe, env, cwd: root });
const labEnv = () => ({ KUBECONFIG: join(lab, 'kubeconfig'), PROXMOX_ENV_FILE: join(lab, 'proxmox.env') });

describe('the single executable (dist/runbook-linux-x64)', () => {
  it('runs where no node is on the PATH: --help, --version, list, validate', async () => {
    await expect(exec('sh', ['-c', 'command -v node'], { env })).rejects.toThrow();
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: runbook /);
    expect((await run(['--version'])).stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const list = await run(['list', '--output', 'json']);
    expect(list.stderr).toBe('');
    const shipped = JSON.parse(list.stdout) as { name: string; file: string; valid: boolean }[];
    expect(shipped.map((r) => r.name)).toEqual(['cluster-hygiene', 'drain-node', 'fix-ballooning', 'purge-dead-node', 'reboot-node', 'unstick-metallb']);
    expect(shipped.every((r) => r.valid && r.file.startsWith('exe:runbooks/'))).toBe(true);
    writeFileSync(join(root, 'bad.yaml'), 'apiVersion: runbook.dev/v1\nname: bad\ndescription: d\nsteps:\n  - { id: a, uses: k8s.cordon, with: { nod: n1 } }\n');
    const validate = await run(['validate', 'purge-dead-node', 'bad.yaml']);
    expect(validate.code).toBe(2);
    expect(validate.stdout + validate.stderr).toMatch(/purge-dead-node: ok/);
    expect(validate.stdout + validate.stderr).toMatch(/bad\.yaml:5:\d+: error: .*nod/);
  });

  it('starts the incident lab (a copy of itself in the background), plans a drain against it, and doctor says what the plain CLI says', async () => {
    const start = await run(['lab', 'start', '--detach', '--dir', lab]);
    expect(start.stderr).toMatch(/^lab running in the background \(pid \d+\)/);
    expect(start.code).toBe(0);
    const plan = await runCli(['plan', 'drain-node', '--node', 'k3s-replica-0'], { program: exe, env: { ...env, ...labEnv() } });
    expect(plan.code).toBe(0);
    // drain-node's own cordon step plans the change; the drain then finds it done (an honest plan counts it once).
    expect(plan.stdout).toMatch(/~ update node\/k3s-replica-0: spec\.unschedulable \(false -> true\)/);
    expect(plan.stdout).toMatch(/Summary: 0 to create, 1 to update, 0 to delete/);
    const doctor = await runCli(['doctor', '--output', 'json'], { program: exe, env: { ...env, ...labEnv() } });
    const plain = await runCli(['doctor', '--output', 'json'], { env: labEnv() });
    expect(doctor.code).toBe(7);
    expect(plain.code).toBe(7);
    // Compared by the kinds of findings and the fixes proposed: titles and evidence carry ages
    // ("NotReady for 12m") and the simulated cluster moves on between the two runs.
    const report = (s: string) => {
      const r = JSON.parse(s) as { worst: string; findings: { check: string; severity: string }[]; proposals: unknown[] };
      return { worst: r.worst, findings: [...new Set(r.findings.map((f) => `${f.severity} ${f.check}`))].sort(), proposals: r.proposals };
    };
    expect(report(doctor.stdout)).toEqual(report(plain.stdout));
  });

  it('is a kubectl plugin: `kubectl runbook doctor` finds it on the PATH as kubectl-runbook', async () => {
    const r = await exec('kubectl', ['runbook', 'doctor', '--output', 'json'], { env: { ...env, ...labEnv() }, encoding: 'utf8' }).catch((e: { code: number; stdout: string }) => e);
    expect(r.code).toBe(7);
    expect((JSON.parse(r.stdout) as { worst: string }).worst).toBe('critical');
  });
});
