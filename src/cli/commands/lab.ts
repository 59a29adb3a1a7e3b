// `runbook lab start|status|stop|demo`: the embedded lab (a simulated cluster + Proxmox on
// 127.0.0.1) to try every runbook on before pointing it at a real cluster.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import type { CommandResult } from '../context.js';
import { globalFlags, stateDirOf } from '../context.js';
import type { CliIO } from '../io.js';
import { detachLab, labStatus, stopLab } from '../lab-process.js';
import { runDemo } from '../lab-demo.js';

interface LabOpts {
  dir?: string;
  scenario?: string;
  detach?: boolean;
}

function labDir(io: CliIO, cmd: Command, opts: LabOpts): string {
  return opts.dir ? resolve(io.cwd, opts.dir) : join(stateDirOf(io, globalFlags(cmd)), 'lab');
}

export function exportLines(dir: string): string {
  return `export KUBECONFIG=${join(dir, 'kubeconfig')}\nexport PROXMOX_ENV_FILE=${join(dir, 'proxmox.env')}\n`;
}

export function registerLab(program: Command, io: CliIO, result: CommandResult): void {
  const lab = program
    .command('lab')
    .description('the embedded lab: a simulated k3s cluster on simulated Proxmox VE, on 127.0.0.1')
    .addHelpText('after', `
Examples:
  runbook lab start --detach                 start the incident's broken cluster in the background
  eval "$(runbook lab start --detach)"       ...and point kubectl and runbook at it
  kubectl get nodes                          a real kubectl works against it
  runbook plan purge-dead-node --node k3s-replica-2
  runbook lab stop
  runbook lab demo                           the whole story in one command
`);

  lab
    .command('start')
    .description('serve the lab until Ctrl-C (or in the background with --detach); state is kept in --dir')
    .option('--scenario <name>', 'scenario name or YAML file (used when the directory has no saved state)', 'incident-2025-08')
    .option('--dir <dir>', 'lab directory: kubeconfig, proxmox.env, saved state (default: STATE_DIR/lab)')
    .option('--detach', 'start in the background and return once it serves')
    .action(async (opts: LabOpts, cmd: Command) => {
      const dir = labDir(io, cmd, opts);
      if (opts.detach) {
        const pid = await detachLab(dir, opts.scenario ?? 'incident-2025-08', io);
        io.err(`lab running in the background (pid ${pid}); stop it with: runbook lab stop${opts.dir ? ` --dir ${dir}` : ''}\n`);
        io.out(exportLines(dir));
        return;
      }
      const { startLab } = await import('../../lab/lab.js');
      const running = await startLab({ dir, ...(opts.scenario ? { scenario: opts.scenario } : {}), onError: (e) => io.err(`lab: ${e instanceof Error ? e.message : String(e)}\n`) });
      io.err(`lab serving: Kubernetes ${running.kube.url}, Proxmox ${running.proxmox.url}\nuse it from another shell with:\n`);
      io.out(exportLines(dir));
      io.err('Ctrl-C stops it (state is saved)\n');
      await new Promise<void>((done) => {
        const off = io.onSignal(() => {
          off();
          done();
        });
      });
      await running.stop();
      io.err('lab stopped, state saved\n');
    });

  lab
    .command('status')
    .description('is the lab running, and where')
    .option('--dir <dir>', 'lab directory (default: STATE_DIR/lab)')
    .action(async (opts: LabOpts, cmd: Command) => {
      const status = await labStatus(labDir(io, cmd, opts));
      io.out(status.text);
      result.exitCode = status.running ? 0 : 1;
    });

  lab
    .command('stop')
    .description('stop a lab started with --detach (its state is saved)')
    .option('--dir <dir>', 'lab directory (default: STATE_DIR/lab)')
    .action(async (opts: LabOpts, cmd: Command) => {
      io.out(`${await stopLab(labDir(io, cmd, opts))}\n`);
    });

  lab
    .command('demo')
    .description('start a fresh incident lab, show the broken cluster, plan the fixes, then stop')
    .action(async (_opts: unknown, cmd: Command) => {
      result.exitCode = await runDemo(io, globalFlags(cmd));
    });
}
