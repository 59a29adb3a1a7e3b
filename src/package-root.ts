// The directory holding package.json: shipped runbooks, schema and lab scenarios are found
// relative to it, whether we run from src/ (tests) or dist/src/ (installed).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'runbooks'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the runbook package root (package.json + runbooks/)');
    dir = parent;
  }
  cached = dir;
  return dir;
}
