// Builds commander options from the flag lists in src/command-flags.ts.
import { Option } from 'commander';
import type { Command } from 'commander';
import type { FlagSpec } from '../command-flags.js';

/** Collects a repeatable option's values: `--pvc a --pvc b` -> ['a', 'b']. */
export function repeatable(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

export function addFlags(cmd: Command, specs: readonly FlagSpec[]): Command {
  for (const f of specs) {
    if (f.choices) cmd.addOption(new Option(f.flags, f.description).choices(f.choices).default(f.default));
    else if (f.repeatable) cmd.option(f.flags, f.description, repeatable);
    else if (f.default !== undefined) cmd.option(f.flags, f.description, f.default);
    else cmd.option(f.flags, f.description);
  }
  return cmd;
}
