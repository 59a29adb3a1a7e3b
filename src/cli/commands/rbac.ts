// `runbook rbac NAME`: the least-privilege Kubernetes ClusterRole and Proxmox role a runbook
// needs, derived from what its steps declare.
import type { Command } from 'commander';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry, loadRunbook } from '../context.js';
import type { CliIO } from '../io.js';
import { repeatable } from '../flags.js';
import { parseParamPairs } from '../param-pairs.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

export function registerRbac(program: Command, io: CliIO, _result: CommandResult): void {
  program
    .command('rbac')
    .description(SUMMARIES.rbac.description)
    .argument('<runbook>', 'runbook name or path')
    .option('--param <name=value>', 'a runbook param, when permissions depend on it (repeatable)', repeatable)
    .option('--token-id <id>', 'Proxmox API token the role is granted to', 'runbook@pve!runbook')
    .addOption(outputOption(['text', 'json'], ' (text: YAML + pveum commands)'))
    .addHelpText('after', '\nExamples:\n  runbook rbac purge-dead-node | kubectl apply -f -     (the YAML part)\n  runbook rbac fix-ballooning --output json\n')
    .action(async (name: string, opts: { param?: string[]; tokenId: string; output: string }, cmd: Command) => {
      const registry = await loadRegistry();
      const { runbook } = await loadRunbook(name, io, globalFlags(cmd), registry);
      const [{ derivePermissions }, { clusterRole, pveumCommands }] = await Promise.all([import('../../rbac/derive.js'), import('../../rbac/render.js')]);
      const { values } = parseParamPairs(runbook, opts.param ?? [], false);
      const perms = derivePermissions(runbook, registry, values);
      const role = clusterRole(`runbook-${runbook.name}`, perms);
      const pveum = pveumCommands(`Runbook${runbook.name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`, perms, opts.tokenId);
      if (opts.output === 'json') {
        io.out(`${JSON.stringify({ kubernetes: role, proxmox: { grants: perms.proxmox, commands: pveum } }, null, 2)}\n`);
        return;
      }
      const { dump } = await import('js-yaml'); // not at the top: the program's help registers this command
      io.out(`# Kubernetes: what runbook ${runbook.name} needs (kubectl apply -f -)\n${dump(role, { lineWidth: 120 })}`);
      io.out(pveum.length ? `\n# Proxmox VE (run on a PVE node):\n${pveum.map((c) => `#   ${c}`).join('\n')}\n` : '\n# Proxmox VE: nothing needed\n');
    });
}
