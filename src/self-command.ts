// How to start this CLI again (the detached lab, doctor's fixes as child runs): the single
// executable is its own program; otherwise Node runs dist/src/cli/bin.js.
import { fileURLToPath } from 'node:url';
import { inExecutable } from './shipped.js';

/** The program and leading arguments that run `runbook ARGS...` in a child process. */
export function selfCommand(): string[] {
  return inExecutable ? [process.execPath] : [process.execPath, fileURLToPath(new URL('./cli/bin.js', import.meta.url))];
}
