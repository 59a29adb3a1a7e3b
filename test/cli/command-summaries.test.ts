// The program's help is printed from placeholders (src/cli/commands/summaries.ts) so that it loads
// no command file; these tests keep the placeholders true to the real definitions: the same
// commands, in the same order, with the same terms and descriptions.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/cli/context.js';
import type { CliIO } from '../../src/cli/io.js';
import { registerEveryCommand, registerPlaceholders } from '../../src/cli/commands/index.js';
import { runMain } from '../support/in-process.js';

const io: CliIO = { out() {}, err() {}, env: {}, cwd: '/', stdinIsTTY: false, stdoutIsTTY: false, onSignal: () => () => {} };
const result: CommandResult = { exitCode: 0, run: async () => 0 };

/** The "Commands:" part of a program's help, as commander prints it. */
function commandsSection(program: Command): string {
  const help = program.helpInformation({ error: false });
  return help.slice(help.indexOf('Commands:'));
}

describe('command summaries', () => {
  it('the placeholders print the Commands section the real definitions print', async () => {
    const real = new Command('runbook');
    await registerEveryCommand(real, io, result);
    const placeholders = new Command('runbook');
    registerPlaceholders(placeholders);
    expect(commandsSection(real)).toContain('validate [options] <files...>'); // the real terms are there to compare
    expect(commandsSection(placeholders)).toBe(commandsSection(real));
  });

  it('each visible command is a placeholder, and nothing else is', async () => {
    const real = new Command('runbook');
    await registerEveryCommand(real, io, result);
    const placeholders = new Command('runbook');
    registerPlaceholders(placeholders);
    const visible = (p: Command) => p.commands.filter((c) => !(c as unknown as { _hidden: boolean })._hidden).map((c) => c.name());
    expect(visible(placeholders)).toEqual(visible(real));
  });

  it('an unknown command is still answered with the nearest one', async () => {
    const r = await runMain(['valdate', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'valdate'");
    expect(r.stderr).toContain('Did you mean validate?');
  });
});
