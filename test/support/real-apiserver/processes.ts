// Child processes for the control plane: each logs to a file (kept for debugging), is killed
// by stop(), by this process's exit, and by a watchdog if this process dies without running
// its exit handlers (SIGKILL, OOM): an orphaned apiserver would hold ~350 MB.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Managed {
  name: string;
  child: ChildProcess;
  logPath: string;
  /** Set once the process has exited (code or signal). */
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  exitedPromise: Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; a tiny race window remains). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr !== null && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function startLogged(name: string, bin: string, args: string[], logPath: string, cwd: string): Managed {
  const fd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { cwd, stdio: ['ignore', fd, fd], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd } });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  const m: Managed = { name, child, logPath, exited: undefined, exitedPromise: Promise.resolve() };
  m.exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      m.exited = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      // A spawn failure (ENOENT, EACCES): put it in the log so the error's tail shows it.
      m.exited = { code: null, signal: null };
      appendFileSync(logPath, `spawn ${bin} failed: ${err.message}\n`);
      resolve();
    });
  });
  return m;
}

export function logTail(path: string, lines = 40): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export async function stopManaged(m: Managed, graceMs = 5_000): Promise<void> {
  if (m.exited !== undefined || m.child.pid === undefined) return;
  m.child.kill('SIGTERM');
  const timer = setTimeout(() => m.child.kill('SIGKILL'), graceMs);
  await m.exitedPromise;
  clearTimeout(timer);
}

// Module state on purpose: the exit hook must reach every child this process started, and
// there is exactly one process exit. Test support only.
const live = new Set<Managed>();
let exitHookInstalled = false;

/**
 * Makes sure `m` dies with this process: SIGKILL from a synchronous `exit` hook, and a detached
 * watchdog for deaths that run no hooks (SIGKILL, OOM). `removeDir` (etcd's 64 MB of
 * preallocated WAL) is deleted by the watchdog in that case.
 */
export function track(m: Managed, removeDir?: string): void {
  live.add(m);
  const dog = m.child.pid === undefined ? undefined : startWatchdog(m.child.pid, removeDir);
  void m.exitedPromise.then(() => {
    live.delete(m);
    dog?.kill('SIGKILL');
  });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const p of live) p.child.kill('SIGKILL');
    });
  }
}

/** A detached shell polling this process once a second; exits when `pid` is gone first. */
function startWatchdog(pid: number, removeDir: string | undefined): ChildProcess {
  const script = [
    'parent=$1; child=$2; dir=$3',
    'while kill -0 "$parent" 2>/dev/null; do',
    '  kill -0 "$child" 2>/dev/null || exit 0',
    '  sleep 1',
    'done',
    'kill -9 "$child" 2>/dev/null; sleep 1; [ -n "$dir" ] && rm -rf "$dir"; exit 0',
  ].join('\n');
  const dog = spawn('/bin/sh', ['-c', script, 'runbook-apiserver-watchdog', String(process.pid), String(pid), removeDir ?? ''], {
    detached: true,
    stdio: 'ignore',
  });
  dog.unref();
  return dog;
}
