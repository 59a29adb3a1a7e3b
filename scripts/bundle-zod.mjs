// Part of `npm run build`, after tsc: dist/src/zod.js becomes src/zod.ts with zod bundled into
// it. zod is 95 files; resolving and loading them was a third of `runbook validate`'s start-up
// (measured: importing zod took ~30 ms, the bundled file ~8 ms with Node's compile cache). Only
// src/zod.ts imports zod (test/architecture/imports.test.ts), so the bundle is the one copy in dist/.
// Under vitest and tsc nothing changes: src/zod.ts imports the package as usual.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [join(root, 'src', 'zod.ts')],
  outfile: join(root, 'dist', 'src', 'zod.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  keepNames: true,
  sourcemap: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
