// Every subcommand, in the order `runbook --help` lists them. Each command file is imported only
// when needed: a run of one command registers that one alone (`runbook validate` loaded every
// command's imports, zod and the engine among them); the program's own help, `--version` and an
// unknown command (for its suggestion) get placeholders built from the summaries (summaries.ts);
// only the completion helper loads them all (it answers from every command's flags).
import type { Command } from 'commander';
import type { CommandResult } from '../context.js';
import type { CliIO } from '../io.js';
import { SUMMARIES, type CommandName } from './summaries.js';

type Register = (program: Command, io: CliIO, result: CommandResult) => void;

/** The command names each file defines, and how to load its register function. */
const COMMANDS: [names: CommandName[], load: () => Promise<Register>][] = [
  [['list'], async () => (await import('./list.js')).registerList],
  [['describe'], async () => (await import('./describe.js')).registerDescribe],
  [['validate'], async () => (await import('./validate.js')).registerValidate],
  [['plan'], async () => (await import('./plan.js')).registerPlan],
  [['run'], async () => (await import('./run.js')).registerRun],
  [['doctor'], async () => (await import('./doctor.js')).registerDoctor],
  [['history', 'show'], async () => (await import('./history.js')).registerHistory],
  [['rollback'], async () => (await import('./rollback.js')).registerRollback],
  [['resume'], async () => (await import('./resume.js')).registerResume],
  [['restore'], async () => (await import('./restore.js')).registerRestore],
  [['schedule'], async () => (await import('./schedule.js')).registerSchedule],
  [['rbac'], async () => (await import('./rbac.js')).registerRbac],
  [['lab'], async () => (await import('./lab.js')).registerLab],
  [['completion'], async () => (await import('./completion.js')).registerCompletion],
];

/**
 * Registers the command `name` names; for `__complete`, every command; for anything else (the
 * program's help, an unknown command), placeholders that only describe the commands.
 */
export async function registerCommands(program: Command, io: CliIO, result: CommandResult, name: string | undefined): Promise<void> {
  if (name === '__complete') return registerEveryCommand(program, io, result);
  const one = COMMANDS.find(([names]) => (names as string[]).includes(name ?? ''));
  if (one) (await one[1]())(program, io, result);
  else registerPlaceholders(program);
}

/** Every command's real definition (the completion helper; the summaries test compares against it). */
export async function registerEveryCommand(program: Command, io: CliIO, result: CommandResult): Promise<void> {
  const registers = await Promise.all(COMMANDS.map(([, load]) => load()));
  for (const register of registers) register(program, io, result);
}

/** Each command as a name and a description, printed with the term its real definition has. */
export function registerPlaceholders(program: Command): void {
  for (const [names] of COMMANDS) for (const n of names) program.command(n).description(SUMMARIES[n].description);
  const term = new Map<string, string>(Object.entries(SUMMARIES).map(([n, s]) => [n, s.term]));
  const help = program.createHelp();
  program.configureHelp({ subcommandTerm: (cmd) => term.get(cmd.name()) ?? help.subcommandTerm(cmd) });
}
