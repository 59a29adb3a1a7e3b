// Every subcommand, in the order `runbook --help` lists them. Each command file is imported only
// when needed: a run of one command registers that one alone (`runbook validate` loaded every
// command's imports, zod and the engine among them); the program's own help, an unknown
// command (for its suggestion) and the completion helper see them all.
import type { Command } from 'commander';
import type { CommandResult } from '../context.js';
import type { CliIO } from '../io.js';

type Register = (program: Command, io: CliIO, result: CommandResult) => void;

/** The command names each file defines, and how to load its register function. */
const COMMANDS: [names: string[], load: () => Promise<Register>][] = [
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
  [['completion', '__complete'], async () => (await import('./completion.js')).registerCompletion],
];

/** Registers the command `name` names, or all of them when it names none (or is undefined). */
export async function registerCommands(program: Command, io: CliIO, result: CommandResult, name: string | undefined): Promise<void> {
  // Completion answers from the whole command tree (commands, their flags, runbook params).
  const one = name === '__complete' ? undefined : COMMANDS.find(([names]) => name !== undefined && names.includes(name));
  for (const [, load] of one ? [one] : COMMANDS) (await load())(program, io, result);
}
