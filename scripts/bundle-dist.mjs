// Part of `npm run build`, after tsc: two modules of dist/ become bundles, because Node spends
// more of a short command's start resolving and loading many small files than running them.
// - dist/src/zod.js: src/zod.ts with zod inside. zod is 95 files (importing it took ~30 ms, the
//   bundled file ~8 ms). Only src/zod.ts imports zod (test/architecture/imports.test.ts).
// - dist/steps/index.js: the whole step library (~60 files) as one file, plus a chunk for what a
//   step imports lazily; its imports of src/ stay imports of dist/src, so every module outside
//   steps/ still exists once. Only steps/index.ts is imported from outside steps/ (the same test),
//   so no other copy of a step module is ever loaded. `runbook validate`: 157 -> 128 ms.
// Under vitest and tsc nothing changes: the sources import each other as usual.
import { readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node22', minify: true, keepNames: true, sourcemap: true, legalComments: 'eof', logLevel: 'warning' };

await build({ ...common, entryPoints: [join(root, 'src', 'zod.ts')], outfile: join(root, 'dist', 'src', 'zod.js') });

const steps = join(root, 'steps');
/** A relative import that leaves steps/ stays an import, of the same file in dist/ (same depth). */
const outsideSteps = {
  name: 'outside-steps-stay-imports',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (target.startsWith(steps + sep)) return undefined;
      const path = relative(steps, target).split(sep).join('/');
      return { path: path.startsWith('.') ? path : `./${path}`, external: true };
    });
  },
};
// Chunk names carry a hash: the last build's would stay behind.
for (const f of readdirSync(join(root, 'dist', 'steps'))) if (/^chunk-.*\.js(\.map)?$/.test(f)) rmSync(join(root, 'dist', 'steps', f));
await build({
  ...common,
  entryPoints: [join(steps, 'index.ts')],
  outdir: join(root, 'dist', 'steps'),
  splitting: true,
  chunkNames: 'chunk-[hash]',
  allowOverwrite: true,
  packages: 'external',
  plugins: [outsideSteps],
});
