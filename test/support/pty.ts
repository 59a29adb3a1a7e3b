// The built `runbook` in a real pseudo-terminal (util-linux `script`), sized like a person's
// terminal: keys are written as a person types them, the screen is read as text (ANSI
// sequences stripped). Waits are on what the screen says, bounded, never on time.
import { execFileSync, spawn } from 'node:child_process';
import { afterAll } from 'vitest';
import { ROOT, builtBin } from './cli.js';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>78]/g; // eslint-disable-line no-control-regex

export const KEY = { enter: '\r', ctrlC: '\x03', esc: '\x1b', right: '\x1b[C', down: '\x1b[B', up: '\x1b[A' } as const;

export interface PtyOptions {
  env?: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
  timeoutMs?: number;
}

export interface PtySession {
  /** Everything printed so far, ANSI stripped, `\r\n` as `\n`. */
  screen(): string;
  /** Everything printed so far, as the terminal received it (colours included). */
  raw(): string;
  write(keys: string): void;
  /** Resolves once the screen (after `from` characters) matches; rejects after the timeout. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<RegExpMatchArray>;
  exit: Promise<number | null>;
  /** Sends a signal to `runbook` itself (the process `script` runs), as `kill` from another shell would. */
  signal(sig: NodeJS.Signals): void;
}

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/** Sessions still running: a test that failed half-way leaves none behind (see afterAll). */
const live = new Set<() => void>();
afterAll(() => {
  for (const kill of live) kill();
});

export function startPty(args: string[], o: PtyOptions = {}): PtySession {
  const command = [process.execPath, builtBin(), ...args].map(quote).join(' ');
  // A pseudo-terminal starts 0x0: give it a size, or nothing knows where to draw.
  const child = spawn('script', ['-qfec', `stty cols ${o.cols ?? 80} rows ${o.rows ?? 24}; exec ${command}`, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, CI: '', TERM: 'xterm', ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: `script` and runbook under it end together.
    detached: true,
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  live.add(killGroup);
  let raw = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    for (const w of waiters) w();
  });
  child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  const timer = setTimeout(killGroup, o.timeoutMs ?? 90_000);
  const exit = new Promise<number | null>((done) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      live.delete(killGroup);
      for (const w of waiters) w();
      done(code);
    }),
  );
  const screen = () => raw.replace(ANSI, '').replace(/\r\n/g, '\n');
  return {
    screen,
    raw: () => raw,
    write: (keys) => child.stdin.write(keys),
    exit,
    signal(sig) {
      // `script` execs the command in its child: that child is runbook.
      const pid = Number(execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n')[0]);
      process.kill(pid, sig);
    },
    waitFor(pattern, from = 0, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = screen().slice(from).match(pattern);
          if (m) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            clearTimeout(t);
            reject(new Error(`the process ended before the screen showed ${pattern}:\n${screen().slice(-3000)}`));
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the screen did not show ${pattern} within ${timeoutMs} ms:\n${screen().slice(-3000)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
