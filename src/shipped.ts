// The files runbook ships (runbooks/, schema/, src/lab/scenarios/, package.json), wherever they
// are: on disk under the package root (a checkout, `npm install -g`), or inside the single
// executable as SEA assets keyed by the same relative path (scripts/build-exe.mjs). An asset has
// no path on disk, so it is named `exe:RELATIVE/PATH` (journals and `runbook list` show that).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAsset, getAssetKeys, isSea } from 'node:sea';
import { packageRoot } from './package-root.js';

const EXE_PREFIX = 'exe:';

/** True inside the single executable (dist/runbook-linux-x64, `kubectl-runbook`). */
export const inExecutable: boolean = isSea();

/** Where the shipped file RELATIVE/PATH is: a path on disk, or `exe:RELATIVE/PATH`. */
export function shippedFile(relative: string): string {
  return inExecutable ? `${EXE_PREFIX}${relative}` : join(packageRoot(), relative);
}

/** File names (not paths) directly in the shipped directory `relativeDir`, sorted. */
export function shippedNames(relativeDir: string): string[] {
  if (inExecutable) {
    const prefix = `${relativeDir}/`;
    return getAssetKeys().filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).map((k) => k.slice(prefix.length)).sort();
  }
  const dir = join(packageRoot(), relativeDir);
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isInExecutable(file: string): boolean {
  return inExecutable && file.startsWith(EXE_PREFIX);
}

/** RELATIVE/PATH of an `exe:` name (a journal written by the executable), else undefined. */
export function shippedRelative(file: string): string | undefined {
  return file.startsWith(EXE_PREFIX) ? file.slice(EXE_PREFIX.length) : undefined;
}

/** Reads `file` (a path, or an `exe:` name) as UTF-8; a missing one throws ENOENT like fs does. */
export function readText(file: string): string {
  if (!isInExecutable(file)) return readFileSync(file, 'utf8');
  const key = file.slice(EXE_PREFIX.length);
  if (!getAssetKeys().includes(key)) throw Object.assign(new Error(`ENOENT: no such file in the executable, '${file}'`), { code: 'ENOENT' });
  return getAsset(key, 'utf8');
}
