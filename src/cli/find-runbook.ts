// Finds a runbook by name (shipped runbooks/, --runbooks-dir, $RUNBOOK_PATH) or by path.
import { existsSync, readdirSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { RunbookError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { didYouMean } from '../suggest.js';

export interface RunbookLocation {
  name: string;
  file: string;
  origin: 'shipped' | 'user' | 'path';
}

export interface SearchPath {
  dirs: string[];
  cwd: string;
}

export function searchPath(env: Record<string, string | undefined>, cwd: string, runbooksDir?: string[]): SearchPath {
  const dirs = [...(runbooksDir ?? []), ...(env.RUNBOOK_PATH ? env.RUNBOOK_PATH.split(delimiter).filter(Boolean) : [])].map((d) => resolve(cwd, d));
  return { dirs, cwd };
}

function yamlFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    return [];
  }
}

/** Every runbook visible by name: user dirs first (they shadow shipped ones). */
export function listRunbooks(sp: SearchPath): RunbookLocation[] {
  const seen = new Map<string, RunbookLocation>();
  const add = (dir: string, origin: RunbookLocation['origin']) => {
    for (const f of yamlFiles(dir)) {
      const name = f.replace(/\.ya?ml$/, '');
      if (!seen.has(name)) seen.set(name, { name, file: join(dir, f), origin });
    }
  };
  for (const d of sp.dirs) add(d, 'user');
  add(join(packageRoot(), 'runbooks'), 'shipped');
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function findRunbook(nameOrPath: string, sp: SearchPath): RunbookLocation {
  const looksLikePath = nameOrPath.includes('/') || /\.ya?ml$/.test(nameOrPath);
  if (looksLikePath) {
    const file = resolve(sp.cwd, nameOrPath);
    if (!existsSync(file)) throw new RunbookError('E_NO_RUNBOOK', `no such file: ${nameOrPath}`);
    return { name: basename(file).replace(/\.ya?ml$/, ''), file, origin: 'path' };
  }
  const all = listRunbooks(sp);
  const found = all.find((r) => r.name === nameOrPath);
  if (found) return found;
  const hint = didYouMean(nameOrPath, all.map((r) => r.name)) ?? 'see `runbook list`; user runbooks go in --runbooks-dir or $RUNBOOK_PATH';
  throw new RunbookError('E_NO_RUNBOOK', `unknown runbook "${nameOrPath}"`, { hint });
}
