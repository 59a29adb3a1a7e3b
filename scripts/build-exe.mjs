// `npm run build:exe`: dist/runbook-linux-x64, one file that runs where no Node is installed.
// Node 24's single executable application (https://nodejs.org/api/single-executable-applications.html):
//   1. esbuild bundles src/cli/bin.ts and everything it imports into one CommonJS file (SEA runs
//      CommonJS only in Node 24; the lazy `import()`s stay lazy inside the bundle);
//   2. `node --experimental-sea-config` turns it, with the shipped runbooks, schema, lab
//      scenarios and package.json as assets (src/shipped.ts reads them), into a blob;
//   3. postject injects the blob into a copy of the Node binary that runs this script (the
//      pinned Node 24 of the `node` devDependency when run through npm).
// The copy is stripped of the debug sections the npm `node` binary carries (about 1.5 MB).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'dist', 'exe');
const output = join(root, 'dist', 'runbook-linux-x64');
// Node's SEA fuse: https://github.com/nodejs/node/blob/main/doc/api/single-executable-applications.md
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

if (Number(process.versions.node.split('.')[0]) < 24) throw new Error(`build:exe needs the pinned Node 24 (npm run build:exe); this is ${process.versions.node}`);

function shippedAssets() {
  const assets = { 'package.json': join(root, 'package.json') };
  for (const dir of ['runbooks', 'schema', 'src/lab/scenarios']) {
    for (const f of readdirSync(join(root, dir))) if (/\.(ya?ml|json)$/.test(f)) assets[`${dir}/${f}`] = join(root, dir, f);
  }
  return assets;
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const bundle = join(work, 'runbook.cjs');
await build({
  entryPoints: [join(root, 'src', 'cli', 'bin.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  // import.meta.url has no CommonJS form; inside the executable __filename is the executable.
  define: { 'import.meta.url': '__runbookImportMetaUrl' },
  banner: { js: 'const __runbookImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Optional native speed-ups of ws that the Kubernetes client tries to load and does without.
  external: ['bufferutil', 'utf-8-validate'],
  // Minified: a third of the size to read at every start; names kept for readable stack traces.
  // The bundled libraries' license notices stay, at the end of the bundle.
  legalComments: 'eof',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});

const blob = join(work, 'sea-prep.blob');
const config = join(work, 'sea-config.json');
writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets: shippedAssets() }, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

rmSync(output, { force: true });
copyFileSync(process.execPath, output);
chmodSync(output, 0o755);
try {
  execFileSync('strip', ['--strip-debug', output]);
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
  process.stderr.write('build:exe: no `strip` (binutils) here: the debug sections stay in\n');
}
await inject(output, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
process.stdout.write(`built ${relative(root, output)} (Node ${process.versions.node})\n`);
