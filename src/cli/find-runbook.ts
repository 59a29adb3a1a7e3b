// Finds a runbook by name (shipped runbooks/, --runbooks-dir, $RUNBOOK_PATH) or by path.
import { existsSync, readdirSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { RunbookError } from '../errors.js';
import { shippedFile, shippedNames, shippedRelative } from '../shipped.js';
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

const isYaml = (f: string) => /\.ya?ml$/.test(f);

function yamlFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isYaml).sort();
  } catch {
    return [];
  }
}

/** Every runbook visible by name: user dirs first (they shadow shipped ones). */
export function listRunbooks(sp: SearchPath): RunbookLocation[] {
  const seen = new Map<string, RunbookLocation>();
  const add = (names: string[], fileOf: (f: string) => string, origin: RunbookLocation['origin']) => {
    for (const f of names) {
      const name = f.replace(/\.ya?ml$/, '');
      if (!seen.has(name)) seen.set(name, { name, file: fileOf(f), origin });
    }
  };
  for (const d of sp.dirs) add(yamlFiles(d), (f) => join(d, f), 'user');
  add(shippedNames('runbooks').filter(isYaml), (f) => shippedFile(`runbooks/${f}`), 'shipped');
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function findRunbook(nameOrPath: string, sp: SearchPath): RunbookLocation {
  // A journal written by the executable names a shipped runbook `exe:runbooks/NAME.yaml`: this
  // installation's copy (the run's digest tells whether it is the same).
  const shipped = shippedRelative(nameOrPath);
  if (shipped !== undefined) return { name: basename(shipped).replace(/\.ya?ml$/, ''), file: shippedFile(shipped), origin: 'shipped' };
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
