#!/usr/bin/env node
// The `runbook` executable: real process I/O in, exit code out. The Node version is checked
// before anything else loads: on an older Node the libraries fail with cryptic errors.
import * as nodeModule from 'node:module';
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`runbook needs Node.js 22.19 or newer; this is ${process.versions.node}.\n  Install a newer Node, or use the single executable (runbook-linux-x64), which needs none.\n  (in a checkout, \`npm run\` scripts use the pinned Node from the \`node\` devDependency)\n`);
  process.exit(2);
}

// Node's on-disk compile cache: the second start skips parsing and compiling our modules and
// the libraries' (--help and validate start ~1/3 faster). A namespace import, so Node 20 still
// reaches the version check above instead of failing to link a missing export.
nodeModule.enableCompileCache?.();

// No top-level await: the single executable runs this file bundled as CommonJS (Node 24's SEA).
const args = process.argv.slice(2);
void Promise.all([import('../errors.js'), import('./io.js'), import('./main.js')]).then(([{ EXIT }, { realIO }, { main }]) =>
  main(args, realIO()).then(
    (code) => {
      process.exitCode = code;
      // A shell completion has answered: end now, not when a cluster lookup it gave up on
      // (src/cli/completion-nodes.ts) finally times out; the shell waits for this process.
      if (args[0] === '__complete') process.stdout.write('', () => process.exit(code));
    },
    (e: unknown) => {
      process.stderr.write(`internal error (please report it): ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = EXIT.internal;
    },
  ),
);
