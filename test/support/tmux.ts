// A real terminal emulator for tests: the built `runbook` in a detached tmux session of a given
// size, on its own tmux server (-L) so nothing is shared. What a person sees is read back with
// capture-pane: the visible screen, or everything including what scrolled away.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { eventually } from './eventually.js';
import { ROOT, builtBin } from './cli.js';

export interface TmuxSession {
  /** The visible screen (rows lines). */
  screen(): string;
  /** Everything the terminal holds: scrollback and screen. */
  history(): string;
  keys(...keys: string[]): void;
  /** Waits (bounded) until the visible screen matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(): void;
}

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

export function startTmux(args: string[], o: { env: Record<string, string>; cols: number; rows: number }): TmuxSession {
  const socket = `runbook-test-${randomBytes(4).toString('hex')}`;
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8' });
  const env = Object.entries({ TERM: 'xterm', CI: '', ...o.env }).map(([k, v]) => `${k}=${quote(v)}`);
  // The shell stays after the command so its last screen can still be read.
  const command = `cd ${quote(ROOT)} && env ${env.join(' ')} ${[process.execPath, builtBin(), ...args].map(quote).join(' ')}; echo "[exit $?]"; sleep 600`;
  tmux('new-session', '-d', '-s', 'test', '-x', String(o.cols), '-y', String(o.rows), command);
  const session: TmuxSession = {
    screen: () => tmux('capture-pane', '-p', '-t', 'test'),
    history: () => tmux('capture-pane', '-p', '-S', '-', '-E', '-', '-t', 'test'),
    keys: (...keys) => void tmux('send-keys', '-t', 'test', ...keys),
    waitFor: (pattern, timeoutMs = 60_000) => eventually(session.screen, { what: `the screen to show ${pattern}`, until: (screen) => pattern.test(screen), timeoutMs, intervalMs: 100 }),
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  return session;
}
