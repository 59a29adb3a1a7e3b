// The flags that say which cluster and which Proxmox to talk to; shared by every command that
// touches them (run, plan, rollback, resume, doctor).
import type { Command } from 'commander';
import { TARGET_FLAGS } from '../command-flags.js';
import { addFlags } from './flags.js';

export function addTargetOptions(cmd: Command): Command {
  return addFlags(cmd, TARGET_FLAGS);
}
