// The process-level CLI helper refuses a stale build: dist/ older than a source file is an
// error naming that file, not a silent test of yesterday's code.
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuildFresh } from './cli.js';

/** A checkout with one source file and its build, each stamped at the given second. */
function checkout(sourceAt: number, builtAt: number): string {
  const root = mkdtempSync(join(tmpdir(), 'runbook-fresh-'));
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'steps', 'k8s'), { recursive: true });
  mkdirSync(join(root, 'dist', 'src', 'cli'), { recursive: true });
  const touch = (path: string, at: number) => {
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), at, at);
  };
  touch('src/cli/main.ts', 1_000);
  touch('steps/k8s/drain.ts', sourceAt);
  touch('steps/k8s/drain.test.ts', 9_000); // tests are not built
  touch('dist/src/cli/bin.js', builtAt);
  return root;
}

describe('assertBuildFresh', () => {
  it('accepts a build newer than every source', () => {
    expect(() => assertBuildFresh(checkout(2_000, 3_000))).not.toThrow();
  });

  it('refuses a build older than a source, naming it', () => {
    expect(() => assertBuildFresh(checkout(4_000, 3_000))).toThrow(/^dist\/ is older than steps\/k8s\/drain\.ts: run `npm run build` first/);
  });

  it('refuses a missing build', () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-fresh-'));
    expect(() => assertBuildFresh(root)).toThrow(/bin\.js is missing: run `npm run build` first/);
  });
});
