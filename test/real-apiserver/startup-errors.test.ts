// How startRealApiserver fails: clearly, naming what to run, with the log tail, and without
// leaving etcd running or its data behind. Mostly with a stand-in kube-apiserver that exits at
// once (only etcd and openssl needed); the last case kills a real one. Never skipped: build.sh
// installs them all.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startRealApiserver } from '../support/real-apiserver.js';
import { BUILD_RECIPE } from '../support/real-apiserver/binaries.js';

describe('startRealApiserver failures', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'runbook-real-apiserver-test-'));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('names the missing binary and the script that builds it', async () => {
    const cache = await tempDir();
    await expect(startRealApiserver({ env: { ...process.env, RUNBOOK_CACHE_DIR: cache } })).rejects.toThrow(
      `missing:\n  ${join(cache, 'kube-apiserver-v1.20.2')} (build it: bash `,
    );
  });

  it('refuses a cached binary of an older build recipe, naming the rebuild', async () => {
    const cache = await tempDir();
    const old = join(cache, 'kube-apiserver-v1.20.2');
    await writeFile(old, '#!/bin/sh\nexit 0\n');
    await chmod(old, 0o755);
    await expect(startRealApiserver({ env: { ...process.env, RUNBOOK_CACHE_DIR: cache } })).rejects.toThrow(
      `${old} built by recipe ${BUILD_RECIPE} (found: none; rebuild: bash `,
    );
  });

  it('stops etcd, drops its data and shows the log tail when kube-apiserver dies before ready', async () => {
    const cache = await tempDir();
    const fake = join(cache, 'kube-apiserver-v1.20.2');
    await writeFile(fake, '#!/bin/sh\necho "fake apiserver refuses: $1" >&2\nexit 3\n');
    await chmod(fake, 0o755);
    await writeFile(`${fake}.recipe`, BUILD_RECIPE);
    const workDir = join(cache, 'work');

    const err = await startRealApiserver({ workDir, env: { ...process.env, RUNBOOK_CACHE_DIR: cache } }).then(
      () => new Error('started?'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toContain('kube-apiserver exited before ready (/readyz) (exited: code 3, signal null)');
    expect(err.message).toContain(`work dir kept at ${workDir}`);
    expect(err.message).toMatch(/fake apiserver refuses: --etcd-servers=http:\/\/127\.0\.0\.1:\d+\n/);
    expect(readFileSync(join(workDir, 'etcd.log'), 'utf8')).toContain('"msg":"closed etcd server"');
    expect(existsSync(join(workDir, 'etcd-data'))).toBe(false);
    expect(existsSync(join(workDir, 'ca.crt'))).toBe(true);
  });

  it('makes stop() reject with the log tail when kube-apiserver died during the tests', async () => {
    const api = await startRealApiserver();
    const pid = api.pids.apiserver!;
    process.kill(pid, 'SIGKILL');
    // Until node has reaped it (and so seen its exit), kill(pid, 0) still succeeds.
    const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    await eventually(() => !alive(), { what: 'node to reap the killed kube-apiserver', intervalMs: 20 });
    await new Promise((r) => setImmediate(r));
    await expect(api.stop()).rejects.toThrow(/^kube-apiserver died before stop\(\) \(exited: code null, signal SIGKILL\); last lines of .*kube-apiserver\.log:\n/);
    expect(existsSync(api.workDir)).toBe(false);
  }, 120_000);
});
