#!/usr/bin/env node
// The `runbook` executable: real process I/O in, exit code out.
import { EXIT } from '../errors.js';
import { realIO } from './io.js';
import { main } from './main.js';

main(process.argv.slice(2), realIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`internal error (please report it): ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = EXIT.internal;
  },
);
