// A measured child process: wall time and peak RSS (GNU time's %M when /usr/bin/time exists).
// Always asynchronous: the labs the children talk to run in this process's event loop.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  ms: number;
  code: number | null;
  /** Peak resident memory in MiB, when measurable. */
  peakMiB?: number;
}

const GNU_TIME = '/usr/bin/time';

export async function measure(cmd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-time-'));
  const rssFile = join(dir, 'rss');
  const withTime = existsSync(GNU_TIME);
  const [file, argv] = withTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, [...args]];
  const t0 = performance.now();
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(file, argv, { stdio: 'ignore', env: { ...process.env, ...env } });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    const ms = performance.now() - t0;
    const kib = withTime ? Number(/(\d+)\s*$/.exec(readFileSync(rssFile, 'utf8'))?.[1]) : NaN;
    return { ms, code, ...(Number.isFinite(kib) ? { peakMiB: kib / 1024 } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether a command exists on PATH (kubectl is the comparison, not a requirement). */
export async function available(cmd: string, args: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (c) => resolve(c === 0));
  });
}
