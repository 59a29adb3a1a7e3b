// Git through the injected shell adapter (so tests and dry runs can substitute it): quoting,
// running with a clear error, and the few questions the gitops steps ask.
import type { ShellRunner } from '../../src/adapters/ports.js';

/** POSIX single-quoting: the argument reaches git exactly as given. */
export function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export async function git(shell: ShellRunner, repo: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  const command = `git ${args.map(quote).join(' ')}`;
  // No pager, no prompts, no editor: a step must never wait for a person.
  const r = await shell.run(command, { cwd: repo, env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_EDITOR: 'true' }, ...(signal ? { signal } : {}) });
  if (r.exitCode !== 0) throw new Error(`${command} (in ${repo}) exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** `git status --porcelain` lines for the given paths (empty: clean). */
export async function dirtyLines(shell: ShellRunner, repo: string, files: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const out = await git(shell, repo, ['status', '--porcelain', '--', ...files], signal);
  return out.split('\n').filter((l) => l.trim() !== '');
}

export async function headSha(shell: ShellRunner, repo: string, signal?: AbortSignal): Promise<string> {
  return (await git(shell, repo, ['rev-parse', 'HEAD'], signal)).trim();
}
