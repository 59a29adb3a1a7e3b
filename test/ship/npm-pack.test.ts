// `npm pack`, then `npm install -g` of that tarball into a temporary prefix: a working `runbook`
// (and `kubectl-runbook`) on the PATH with Node >= 22.19, and a clear message on an older Node
// (Debian bookworm's Node 18/20). The tarball carries the compiled CLI, the shipped runbooks,
// schema and lab scenarios, and not the single executable.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'runbook-pack-'));
const prefix = join(root, 'prefix');
const NODE_DIR = dirname(process.execPath); // the pinned Node 24 running the tests (npm test)
let files: string[];

const npm = (args: string[]) => exec('npm', args, { cwd: ROOT, encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20, env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` } });
const installed = (name: string, args: string[], path: string) =>
  exec(join(prefix, 'bin', name), args, { encoding: 'utf8', env: { PATH: path, HOME: root, CI: 'true' } }).catch((e: { code: number; stdout: string; stderr: string }) => e);

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'bin.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const packed = JSON.parse((await npm(['pack', '--json', '--pack-destination', root])).stdout) as Array<{ filename: string; size: number; files: { path: string }[] }>;
  files = packed[0]!.files.map((f) => f.path);
  process.stdout.write(`npm pack: ${packed[0]!.filename}, ${(packed[0]!.size / 1e3).toFixed(0)} kB, ${files.length} files\n`);
  // --prefer-offline: the dependencies come from npm's cache when `npm ci` already fetched them.
  await npm(['install', '-g', '--prefix', prefix, join(root, packed[0]!.filename), '--prefer-offline', '--no-audit', '--no-fund']);
}, 300_000);

describe('npm pack + npm install -g', () => {
  it('packs the compiled CLI and what it ships, not the executable or its build files', () => {
    expect(files).toEqual(expect.arrayContaining(['dist/src/cli/bin.js', 'runbooks/purge-dead-node.yaml', 'schema/runbook.schema.json', 'src/lab/scenarios/incident-2025-08.yaml', 'package.json', 'README.md']));
    expect(files.filter((f) => f.startsWith('dist/') && !/^dist\/(src|steps)\//.test(f))).toEqual([]);
  });

  it('puts a working runbook and kubectl-runbook on the PATH (Node 24)', async () => {
    const path = `${join(prefix, 'bin')}:${NODE_DIR}`;
    const list = await installed('runbook', ['list', '--output', 'json'], path);
    expect(list.stderr).toBe('');
    expect((JSON.parse(list.stdout) as { name: string; origin: string }[]).map((r) => `${r.origin}:${r.name}`)).toContain('shipped:purge-dead-node');
    const plugin = await installed('kubectl-runbook', ['validate', 'cluster-hygiene'], path);
    expect(plugin.stdout + plugin.stderr).toMatch(/cluster-hygiene: ok/);
  });

  it('on a Node older than 22.19 says so and what to do, exit 2, no stack trace', async () => {
    const old = (await exec('sh', ['-c', 'command -v -p node || true'], { encoding: 'utf8' })).stdout.trim() || '/usr/bin/node';
    const version = (await exec(old, ['--version'], { encoding: 'utf8' })).stdout.trim();
    expect(version, `${old} should be the system's older Node (Debian's), for this test`).toMatch(/^v(1\d|20|21|22\.(1[0-8]|\d))\./);
    const r = await installed('runbook', ['--version'], `${join(prefix, 'bin')}:${dirname(old)}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`runbook needs Node.js 22.19 or newer; this is ${version.slice(1)}.\n  Install a newer Node, or use the single executable (runbook-linux-x64), which needs none.\n  (in a checkout, \`npm run\` scripts use the pinned Node from the \`node\` devDependency)\n`);
  });
});
