// How errors reach the user: a RunbookError is a message and a hint (no stack); anything
// else is our bug and prints its stack so it can be reported.
import { EXIT, isRunbookError } from '../errors.js';
import type { CliIO } from './io.js';

export function reportError(e: unknown, io: CliIO): number {
  if (isRunbookError(e)) {
    io.err(`error: ${e.message}\n`);
    if (e.hint) io.err(`hint: ${e.hint}\n`);
    return e.exitCode;
  }
  io.err(`internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT.internal;
}
