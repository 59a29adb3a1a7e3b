// `runbook schedule NAME --cron EXPR`: run a runbook unattended, as a Kubernetes CronJob (with
// a ServiceAccount bound to exactly the permissions it needs) or as a systemd timer.
import type { Command } from 'commander';
import { RunbookError } from '../../errors.js';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry, loadRunbook } from '../context.js';
import type { CliIO } from '../io.js';
import type { Runbook } from '../../runbook/types.js';
import { repeatable } from '../flags.js';
import { parseParamPairs } from '../param-pairs.js';
import { IMAGE } from '../version.js';
import { SUMMARIES } from './summaries.js';

interface ScheduleOpts {
  cron: string;
  emit: string;
  param?: string[];
  namespace: string;
  image: string;
  proxmoxSecret: string;
  bin: string;
  envFile?: string;
  statePvc?: string;
}

/** Report params a scheduled run writes to its state claim unless the schedule sets them. */
const REPORT_FILES: Record<string, string> = { 'report-json': 'report.json', 'report-markdown': 'report.md' };

function withReportsOnClaim(runbook: Runbook, pairs: string[], stateDir: string): string[] {
  const given = new Set(pairs.map((p) => p.slice(0, p.indexOf('='))));
  const defaults = runbook.params.filter((p) => REPORT_FILES[p.name] && !given.has(p.name)).map((p) => `${p.name}=${stateDir}/${runbook.name}-${REPORT_FILES[p.name]}`);
  return [...pairs, ...defaults];
}

export function registerSchedule(program: Command, io: CliIO, _result: CommandResult): void {
  program
    .command('schedule')
    .description(SUMMARIES.schedule.description)
    .argument('<runbook>', 'runbook name or path')
    .requiredOption('--cron <expr>', "five-field cron schedule, UTC, e.g. '0 */6 * * *'")
    .option('--emit <kind>', 'cronjob or systemd', 'cronjob')
    .option('--param <name=value>', 'a runbook param for every run (repeatable)', repeatable)
    .option('--namespace <ns>', 'namespace of the CronJob and its ServiceAccount', 'runbook-system')
    .option('--image <image>', 'container image with the runbook CLI (`npm run build:image` builds it)', IMAGE)
    .option('--state-pvc <claim>', 'cronjob: an existing PersistentVolumeClaim for journals and reports (default: the output creates runbook-NAME-state)')
    .option('--proxmox-secret <name>', 'Secret with PROXMOX_URL, PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET', 'runbook-proxmox')
    .option('--bin <path>', 'systemd: absolute path of the runbook executable', '/usr/local/bin/runbook')
    .option('--env-file <path>', 'systemd: EnvironmentFile with KUBECONFIG and the PROXMOX_* variables')
    .addHelpText('after', `
Examples:
  runbook schedule cluster-hygiene --cron '0 */6 * * *' | kubectl apply -f -
  runbook schedule cluster-hygiene --cron '30 3 * * 1-5' --emit systemd --env-file /etc/runbook/env
`)
    .action(async (name: string, opts: ScheduleOpts, cmd: Command) => {
      const registry = await loadRegistry();
      const { runbook } = await loadRunbook(name, io, globalFlags(cmd), registry);
      const [{ validateCron, cronToOnCalendar }, { cronJobManifests, systemdUnits, STATE_DIR }, { derivePermissions }] = await Promise.all([
        import('../../schedule/cron.js'),
        import('../../schedule/manifests.js'),
        import('../../rbac/derive.js'),
      ]);
      validateCron(opts.cron);
      if (opts.emit === 'systemd') {
        const { flags } = parseParamPairs(runbook, opts.param ?? [], true);
        const units = systemdUnits({ runbook: runbook.name, onCalendar: cronToOnCalendar(opts.cron), args: flags, bin: opts.bin, ...(opts.envFile ? { envFile: opts.envFile } : {}) });
        io.out(`# /etc/systemd/system/runbook-${runbook.name}.service\n${units.service}\n# /etc/systemd/system/runbook-${runbook.name}.timer\n${units.timer}`);
        return;
      }
      if (opts.emit !== 'cronjob') throw new RunbookError('E_USAGE', `--emit ${opts.emit}: use cronjob or systemd`);
      const { values, flags } = parseParamPairs(runbook, withReportsOnClaim(runbook, opts.param ?? [], STATE_DIR), true);
      const perms = derivePermissions(runbook, registry, values);
      const docs = cronJobManifests({ runbook: runbook.name, cron: opts.cron, namespace: opts.namespace, image: opts.image, args: flags, permissions: perms, ...(perms.proxmox.length ? { proxmoxSecret: opts.proxmoxSecret } : {}), ...(opts.statePvc ? { statePvc: opts.statePvc } : {}) });
      const note = perms.proxmox.length ? `# Needs Secret ${opts.namespace}/${opts.proxmoxSecret} with PROXMOX_URL, PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET\n# (Proxmox privileges: runbook rbac ${runbook.name})\n` : '';
      const { dump } = await import('js-yaml'); // not at the top: the program's help registers this command
      io.out(`${note}${docs.map((d) => `---\n${dump(d, { lineWidth: 120, noRefs: true })}`).join('')}`);
    });
}
