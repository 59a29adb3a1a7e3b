// Every subcommand, registered in the order `runbook --help` lists them.
import type { Command } from 'commander';
import type { CommandResult } from '../context.js';
import type { CliIO } from '../io.js';
import { registerCompletion } from './completion.js';
import { registerDescribe } from './describe.js';
import { registerDoctor } from './doctor.js';
import { registerHistory } from './history.js';
import { registerLab } from './lab.js';
import { registerList } from './list.js';
import { registerPlan } from './plan.js';
import { registerRbac } from './rbac.js';
import { registerRestore } from './restore.js';
import { registerResume } from './resume.js';
import { registerRollback } from './rollback.js';
import { registerRun } from './run.js';
import { registerSchedule } from './schedule.js';
import { registerValidate } from './validate.js';

export function registerAll(program: Command, io: CliIO, result: CommandResult): void {
  registerList(program, io, result);
  registerDescribe(program, io, result);
  registerValidate(program, io, result);
  registerPlan(program, io, result);
  registerRun(program, io, result);
  registerDoctor(program, io, result);
  registerHistory(program, io, result);
  registerRollback(program, io, result);
  registerResume(program, io, result);
  registerRestore(program, io, result);
  registerSchedule(program, io, result);
  registerRbac(program, io, result);
  registerLab(program, io, result);
  registerCompletion(program, io, result);
}
