// `runbook --help` and `runbook validate` must stay fast: they may not load the Kubernetes
// client, the Proxmox client, zx or the terminal UI (DESIGN section 6), and how many files they
// load at all is counted (test/support/count-modules.mjs): `--help` loads no command file (the
// summaries describe them), `validate` only its own, with the step library and zod bundled (every
// command's imports made them 182 and 257).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

const counting = ['--import', join(ROOT, 'test', 'support', 'count-modules.mjs')];
const loaded = (stderr: string) => [...stderr.matchAll(/^MODULE (\S+)$/gm)].map((m) => m[1]!);
const fromPackage = (files: string[], pkg: string) => files.filter((f) => f.includes(`/node_modules/${pkg}/`));
const HEAVY = ['@kubernetes/client-node', 'proxmox-api', 'listr2', 'enquirer', 'zx', 'undici'];
/** The heavy libraries among the files the process loaded (one hook counts and names them all). */
const heavy = (stderr: string) => HEAVY.filter((pkg) => fromPackage(loaded(stderr), pkg).length > 0);
const SHIPPED = ['purge-dead-node', 'fix-ballooning', 'unstick-metallb'].map((n) => join(ROOT, 'runbooks', `${n}.yaml`));

describe('lazy imports', () => {
  it('the tracer itself sees a heavy import when one happens (plan loads the Kubernetes client)', async () => {
    const r = await runCli(['plan', 'purge-dead-node', '--node', 'x', '--kubeconfig', join(tmpdir(), 'no-such-kubeconfig')], { nodeArgs: counting });
    expect(heavy(r.stderr)).toContain('@kubernetes/client-node');
  });

  it('--help loads none of the heavy libraries', async () => {
    const r = await runCli(['--help'], { nodeArgs: counting });
    expect(r.code).toBe(0);
    expect(heavy(r.stderr)).toEqual([]);
  });

  it('validate loads none of the heavy libraries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-lazy-'));
    writeFileSync(join(dir, 'x.yaml'), 'apiVersion: runbook.dev/v1\nname: x\ndescription: d\nsteps:\n  - { id: a, uses: k8s.cordon, with: { node: n1 } }\n');
    const r = await runCli(['validate', join(dir, 'x.yaml'), join(ROOT, 'runbooks', 'purge-dead-node.yaml')], { nodeArgs: counting });
    expect(r.code).toBe(0);
    expect(heavy(r.stderr)).toEqual([]);
  });

  it('--help and --version load no more than 30 files: commander and the command summaries, no command file', async () => {
    for (const args of [['--help'], ['--version']]) {
      const r = await runCli(args, { nodeArgs: counting });
      expect(r.code).toBe(0);
      const files = loaded(r.stderr);
      expect(files.length).toBeGreaterThan(10); // the counter sees the CLI's own files
      expect(files.filter((f) => /\/dist\/src\/cli\/commands\/(?!index|summaries)/.test(f))).toEqual([]);
      expect(fromPackage(files, 'zod')).toEqual([]);
      expect(fromPackage(files, 'js-yaml')).toEqual([]);
      expect(files.length).toBeLessThanOrEqual(30);
    }
  });

  it('validate of the shipped runbooks loads its own command, the bundled step library and zod (no more than 80 files)', async () => {
    const r = await runCli(['validate', ...SHIPPED], { nodeArgs: counting });
    expect(r.code).toBe(0);
    const files = loaded(r.stderr);
    expect(files.filter((f) => /\/dist\/src\/cli\/commands\/(?!index|summaries|validate)/.test(f))).toEqual([]);
    // npm run build bundles them (scripts/bundle-dist.mjs): one file each, not ~60 and 95.
    expect(files.filter((f) => f.endsWith('/dist/steps/index.js'))).toHaveLength(1);
    expect(files.filter((f) => f.includes('/dist/steps/') && !/\/dist\/steps\/(index|chunk-\w+)\.js$/.test(f))).toEqual([]);
    expect(fromPackage(files, 'zod')).toEqual([]);
    expect(files.filter((f) => f.endsWith('/dist/src/zod.js'))).toHaveLength(1);
    expect(files.length).toBeLessThanOrEqual(80);
  });
});
