// `runbook lab start|status|stop|demo`: the embedded lab (a simulated cluster + Proxmox on
// 127.0.0.1) to try every runbook on before pointing it at a real cluster.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import type { CommandResult } from '../context.js';
import { globalFlags, stateDirOf } from '../context.js';
import type { CliIO } from '../io.js';
import { detachLab, labStatus, resetLab, stopLab } from '../lab-process.js';
import { runDemo } from '../lab-demo.js';
import { SUMMARIES } from './summaries.js';

interface LabOpts {
  dir?: string;
  scenario?: string;
  detach?: boolean;
}

function labDir(io: CliIO, cmd: Command, opts: LabOpts): string {
  if (opts.dir) return resolve(io.cwd, opts.dir);
  // Exported by `eval "$(runbook lab start --detach --dir D)"`: status, stop and reset find D.
  if (io.env.RUNBOOK_LAB_DIR) return resolve(io.cwd, io.env.RUNBOOK_LAB_DIR);
  return join(stateDirOf(io, globalFlags(cmd)), 'lab');
}

function exportLines(dir: string): string {
  return `export KUBECONFIG=${join(dir, 'kubeconfig')}\nexport PROXMOX_ENV_FILE=${join(dir, 'proxmox.env')}\nexport RUNBOOK_LAB_DIR=${dir}\n`;
}

const DIR_HELP = 'lab directory (default: $RUNBOOK_LAB_DIR, set by the exports of `lab start --detach`, or STATE_DIR/lab)';

export function registerLab(program: Command, io: CliIO, result: CommandResult): void {
  const lab = program
    .command('lab')
    .description(SUMMARIES.lab.description)
    .addHelpText('after', `
Examples:
  runbook lab start --detach                 start the incident's broken cluster in the background
  eval "$(runbook lab start --detach)"       ...and point kubectl and runbook at it
  kubectl get nodes                          a real kubectl works against it
  runbook plan purge-dead-node --node k3s-replica-2
  runbook lab stop                           (the lab in $RUNBOOK_LAB_DIR, or --dir)
  runbook lab reset                          stop it and forget its state: the next start is fresh
  runbook lab demo                           the whole story in one command
`);

  lab
    .command('start')
    .description('serve the lab until Ctrl-C (or in the background with --detach); state is kept in --dir')
    .option('--scenario <name>', 'scenario name or YAML file (used when the directory has no saved state)', 'incident-2025-08')
    .option('--dir <dir>', 'lab directory: kubeconfig, proxmox.env, saved state (default: $RUNBOOK_LAB_DIR or STATE_DIR/lab)')
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
    .option('--dir <dir>', DIR_HELP)
    .action(async (opts: LabOpts, cmd: Command) => {
      const status = await labStatus(labDir(io, cmd, opts));
      io.out(status.text);
      result.exitCode = status.running ? 0 : 1;
    });

  lab
    .command('stop')
    .description('stop a lab started with --detach (its state is saved)')
    .option('--dir <dir>', DIR_HELP)
    .action(async (opts: LabOpts, cmd: Command) => {
      const stop = await stopLab(labDir(io, cmd, opts));
      if (stop.stopped) io.out(stop.text);
      else io.err(stop.text);
      result.exitCode = stop.stopped ? 0 : 1;
    });

  lab
    .command('reset')
    .description('stop the lab if it runs and forget its saved state: the next start begins from the scenario')
    .option('--dir <dir>', DIR_HELP)
    .action(async (opts: LabOpts, cmd: Command) => {
      io.out(await resetLab(labDir(io, cmd, opts)));
    });

  lab
    .command('demo')
    .description('start a fresh incident lab, show the broken cluster, run the three fixes against it (approved: it is a lab), show it fixed, then stop')
    .action(async (_opts: unknown, cmd: Command) => {
      if (!result.run) throw new Error('lab demo needs main() to run its commands');
      result.exitCode = await runDemo(io, globalFlags(cmd), result.run);
    });
}
