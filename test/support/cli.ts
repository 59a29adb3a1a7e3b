// Runs the built `runbook` binary (dist/) as a child process, like a user would, with no TTY.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Extra flags for node itself, before the script (e.g. `--import`). */
  nodeArgs?: string[];
  /**
   * Run this program instead of node + dist's bin.js (the single executable), in an environment
   * of exactly `env` plus the no-colour switches: nothing of this process's own leaks in.
   */
  program?: string;
}

/**
 * The built binary, refusing a dist/ older than the sources it is built from: a stale build
 * would test yesterday's code without a word. `npm test` builds first.
 */
export function builtBin(): string {
  assertBuildFresh(ROOT);
  return BIN;
}

/** Throws unless `root`'s dist/src/cli/bin.js exists and is newer than every .ts file under its src/ and steps/. */
export function assertBuildFresh(root: string): void {
  const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first (npm test does)`);
  const newer = newestSource(root);
  if (newer && newer.mtimeMs > statSync(bin).mtimeMs) {
    throw new Error(`dist/ is older than ${newer.path}: run \`npm run build\` first (npm test does); a process-level test would run the stale build`);
  }
}

/** The most recently changed .ts file under src/ and steps/ (what tsc compiles into dist/). */
function newestSource(root: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const dir of ['src', 'steps']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
      const path = join(entry.parentPath, entry.name);
      const mtimeMs = statSync(path).mtimeMs;
      if (!newest || mtimeMs > newest.mtimeMs) newest = { path: path.slice(root.length + 1), mtimeMs };
    }
  }
  return newest;
}

export function startCli(args: string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const [program, argv, inherited] = options.program ? [options.program, args, {}] : [process.execPath, [...(options.nodeArgs ?? []), builtBin(), ...args], process.env];
  const child = spawn(program, argv, {
    cwd: options.cwd ?? ROOT,
    env: { ...inherited, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const done = new Promise<CliResult>((resolveDone) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}
