// Everything the CLI touches in the outside world, in one injected object (hereby's `D`):
// tests run commands in-process or as child processes; library code never reads globals.
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** stdin is a terminal: a person can answer prompts. */
  stdinIsTTY: boolean;
  /** stdout is a terminal (and not CI): draw the live progress renderer. */
  stdoutIsTTY: boolean;
  /** The terminal prompts read from (absent in-process: prompts use enquirer's default). */
  stdin?: NodeJS.ReadStream;
  /** The terminal's size, when stdout is one: what doctor fits its screens to. */
  columns?: number;
  rows?: number;
  /** SIGKILLs this process: only the test-only crash points (src/cli/crash-points.ts) call it. */
  crash?(): void;
  /** Registers a handler for SIGINT/SIGTERM; returns the unregister function. */
  onSignal(handler: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
}

export function realIO(): CliIO {
  // NO_COLOR (no-color.org) is honoured by listr2 itself; enquirer's colours (ansi-colors)
  // only listen to FORCE_COLOR=0, read when enquirer first loads.
  if (process.env.NO_COLOR && process.env.FORCE_COLOR === undefined) process.env.FORCE_COLOR = '0';
  const out = closedPipe(process.stdout);
  const err = closedPipe(process.stderr);
  return {
    out: (t) => out(t),
    err: (t) => err(t),
    env: process.env,
    cwd: process.cwd(),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stdin: process.stdin,
    ...(process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : {}),
    crash: () => process.kill(process.pid, 'SIGKILL'),
    onSignal(handler) {
      const onInt = () => handler('SIGINT');
      const onTerm = () => handler('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
  };
}

/**
 * Writes to `stream` until its reader goes away (`runbook history | head`), then drops the
 * output: a closed pipe is not an error worth a stack trace, and a run in progress must
 * still finish its work and journal rather than die mid-step.
 */
function closedPipe(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

export function isCI(env: Record<string, string | undefined>): boolean {
  return Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
}
