// The container image (`npm run build:image`: buildah FROM scratch, nothing pulled) as the
// CronJob runs it: podman with a read-only root file system, as the non-root user 65532, the
// host's network to reach the lab on 127.0.0.1, and a writable state directory standing in for
// the PersistentVolumeClaim. The scheduled cluster-hygiene run's journal and report land there,
// and the plain CLI's `history`/`show --state-dir` read them. runc and cgroupfs, as these
// machines need (crun does not work here). When podman cannot run, the test fails with why.
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { builtExe } from '../support/exe.js';
import { useLab } from '../support/two-labs.js';

const exec = promisify(execFile);
const IMAGE = 'localhost/runbook-ship-test:latest';
const UID = 65532;
const PODMAN = ['--storage-driver', 'vfs', '--runtime', 'runc', '--cgroup-manager', 'cgroupfs'];
const root = mkdtempSync(join(tmpdir(), 'runbook-image-'));
const labs = useLab(join(root, 'lab'));

/** Runs a tool; a failure to run it at all says which and why (never a silent skip). */
async function tool(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
  return exec(cmd, args, { encoding: 'utf8', timeout: opts.timeout ?? 120_000, maxBuffer: 32 << 20, ...(opts.env ? { env: opts.env } : {}) }).catch((e: Error & { code?: number | string; stdout?: string; stderr?: string }) => {
    if (e.code === 'ENOENT') throw new Error(`${cmd} is not installed: run scripts/prepare-test-machine.sh (apt-get install buildah podman runc)`);
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? e.message, code: e.code };
  });
}

function podmanRun(args: string[]) {
  return tool('podman', [...PODMAN, 'run', '--rm', '--network', 'host', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--read-only', '--user', `${UID}:${UID}`, ...args]);
}

beforeAll(async () => {
  builtExe();
  const built = await tool('bash', [join(ROOT, 'scripts', 'build-image.sh')], { env: { ...process.env, RUNBOOK_IMAGE: IMAGE } });
  if ('code' in built) throw new Error(`build-image.sh failed:\n${built.stderr}`);
}, 180_000);

afterAll(async () => {
  await tool('podman', [...PODMAN, 'rmi', '--force', IMAGE]);
});

describe('the container image', () => {
  it('is built from scratch: the executable, its libraries, CA certificates, a non-root user; nothing else', async () => {
    const inspect = await tool('podman', [...PODMAN, 'image', 'inspect', IMAGE]);
    expect(inspect.stderr).toBe('');
    const [img] = JSON.parse(inspect.stdout) as Array<{ Config: { User: string; Entrypoint: string[] }; RootFS: { Layers: string[] }; Size: number }>;
    expect(img!.Config.User).toBe(`${UID}:${UID}`);
    expect(img!.Config.Entrypoint).toEqual(['/usr/local/bin/runbook']);
    expect(img!.RootFS.Layers).toHaveLength(1);
    process.stdout.write(`image ${IMAGE}: ${(img!.Size / 1e6).toFixed(1)} MB\n`);
    const created = await tool('podman', [...PODMAN, 'create', IMAGE]);
    const id = created.stdout.trim();
    const listing = await tool('sh', ['-c', `podman ${PODMAN.join(' ')} export ${id} | tar -t`]);
    await tool('podman', [...PODMAN, 'rm', id]);
    const files = listing.stdout.split('\n').filter((f) => f && !f.endsWith('/')).sort();
    expect(files.filter((f) => !/^lib(64)?\/.*\.so(\.\d+)*$|^lib\/x86_64-linux-gnu\//.test(f))).toEqual([
      'etc/group', 'etc/nsswitch.conf', 'etc/passwd', 'etc/ssl/certs/ca-certificates.crt', 'usr/local/bin/kubectl-runbook', 'usr/local/bin/runbook',
    ]);
    expect(files).toContain('lib64/ld-linux-x86-64.so.2');
    expect(listing.stdout.split('\n')).toEqual(expect.arrayContaining(['tmp/', 'var/lib/runbook/', 'home/runbook/']));
    const version = await podmanRun([IMAGE, '--version']);
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('runs cluster-hygiene against the lab read-only and non-root; the journal and report on the state volume are history for the plain CLI', async () => {
    // The credentials as a Secret mount gives them: readable by the pod's user.
    const creds = join(root, 'creds');
    mkdirSync(creds);
    for (const f of readdirSync(labs.lab.dir).filter((n) => /^(kubeconfig|ca\.pem|proxmox\.env|inventory\.yaml)$/.test(n))) {
      writeFileSync(join(creds, f), readFileSync(join(labs.lab.dir, f), 'utf8').replaceAll(labs.lab.dir, '/creds'), { mode: 0o644 });
    }
    const state = join(root, 'state');
    mkdirSync(state);
    chownSync(state, UID, UID);

    const r = await podmanRun(['-v', `${creds}:/creds:ro`, '-v', `${state}:/var/lib/runbook`, '-e', 'KUBECONFIG=/creds/kubeconfig', '-e', 'PROXMOX_ENV_FILE=/creds/proxmox.env', '-e', 'CI=true',
      IMAGE, 'run', 'cluster-hygiene', '--yes', '--output', 'json', '--report-json', '/var/lib/runbook/cluster-hygiene-report.json']);
    expect(r.stderr).not.toMatch(/internal error|EROFS|EACCES/);
    // The incident's critical findings are left (nothing was fixed): exit 7, by design.
    expect(r.code).toBe(7);
    const runId = (JSON.parse(r.stdout) as { runId: string }).runId;
    const report = JSON.parse(readFileSync(join(state, 'cluster-hygiene-report.json'), 'utf8')) as { worst: string };
    expect(report.worst).toBe('critical');

    const history = await runCli(['--state-dir', state, 'history']);
    expect(history.stdout).toContain(runId);
    const show = await runCli(['--state-dir', state, 'show', runId]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/cluster-hygiene/);
  });
});
