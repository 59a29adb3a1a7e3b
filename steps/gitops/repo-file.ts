// A file inside a Git working copy, named relative to it; never outside it.
import { isAbsolute, relative, resolve } from 'node:path';

export function repoFile(repo: string, file: string): string {
  if (isAbsolute(file)) throw new Error(`file "${file}" must be relative to the repository`);
  const abs = resolve(repo, file);
  const rel = relative(resolve(repo), abs);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`file "${file}" is outside the repository ${repo}`);
  return abs;
}
