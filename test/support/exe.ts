// The single executable (dist/runbook-linux-x64, `npm run build:exe`; `npm test` builds it) and
// a PATH without Node on it, for the tests that run it as a user without Node would.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const EXE = join(ROOT, 'dist', 'runbook-linux-x64');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The executable's path; fails (never skips) when it is missing. `npm test` builds it first; a
 * developer running one file is warned when it is older than the sources (it then tests the
 * older code).
 */
export function builtExe(): string {
  if (!existsSync(EXE)) throw new Error(`${EXE} is missing: run \`npm run build:exe\` first (npm test does)`);
  const sources = Math.max(...['src', 'steps', 'runbooks', 'schema', 'package.json'].map((d) => (statSync(join(ROOT, d)).isDirectory() ? newestSource(join(ROOT, d)) : statSync(join(ROOT, d)).mtimeMs)));
  if (statSync(EXE).mtimeMs < sources) process.stderr.write(`warning: ${EXE} is older than the sources: run \`npm run build:exe\`\n`);
  return EXE;
}

/** A directory for PATH holding only links to `tools` (found on this PATH) and to `links` (name -> target). */
export function binDirWith(dir: string, tools: string[], links: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of tools) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(dir, tool));
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, name));
  return dir;
}
