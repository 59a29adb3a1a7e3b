// What every command needs: global flags, the step registry, runbooks loaded and validated.
import type { Command } from 'commander';
import type { StepRegistry } from '../step/define-step.js';
import { resolveStateDir } from '../engine/state-dir.js';
import { ValidationError } from '../errors.js';
import type { Runbook } from '../runbook/types.js';
import { findRunbook, searchPath } from './find-runbook.js';
import type { RunbookLocation, SearchPath } from './find-runbook.js';
import type { CliIO } from './io.js';

export interface GlobalFlags {
  stateDir?: string;
  runbooksDir?: string[];
}

export interface CommandResult {
  exitCode: number;
  /**
   * Runs another command line in this process, as main() does (the lab demo runs the fixes as a
   * person types them). Handed down by main() so no command imports main back.
   */
  run?: (argv: readonly string[], io: CliIO) => Promise<number>;
}

export function globalFlags(cmd: Command): GlobalFlags {
  return cmd.optsWithGlobals() as GlobalFlags;
}

export function stateDirOf(io: CliIO, flags: GlobalFlags): string {
  return resolveStateDir(io.env, flags.stateDir);
}

export function searchPathOf(io: CliIO, flags: GlobalFlags): SearchPath {
  return searchPath(io.env, io.cwd, flags.runbooksDir);
}

export async function loadRegistry(): Promise<StepRegistry> {
  const { builtinRegistry } = await import('../../steps/index.js');
  return builtinRegistry();
}

/** Finds, loads and validates a runbook; invalid files throw a ValidationError (exit 2). */
export async function loadRunbook(nameOrPath: string, io: CliIO, flags: GlobalFlags, registry: StepRegistry): Promise<{ location: RunbookLocation; runbook: Runbook }> {
  const location = findRunbook(nameOrPath, searchPathOf(io, flags));
  const { loadRunbookFile } = await import('../runbook/load.js');
  const { runbook, diagnostics } = await loadRunbookFile(location.file, registry);
  if (!runbook) throw new ValidationError(diagnostics);
  for (const d of diagnostics) if (d.severity === 'warning') io.err(`${d.file}:${d.line}:${d.col}: warning: ${d.message}\n`);
  return { location, runbook };
}
