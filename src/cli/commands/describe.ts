// `runbook describe NAME`: params, steps, what it changes and the permissions it needs.
import type { Command } from 'commander';
import type { Permission } from '../../step/define-step.js';
import type { StepSpec } from '../../runbook/types.js';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry, loadRunbook } from '../context.js';
import type { CliIO } from '../io.js';
import { RunbookError } from '../../errors.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

interface DescribedStep {
  id: string;
  name?: string | undefined;
  uses: string;
  description: string;
  destructive: boolean | string;
  forEach?: string | undefined;
  serial?: number | undefined;
  permissions: readonly Permission[];
  group?: string;
}

function permissionLine(p: Permission): string {
  return p.kind === 'kube' ? `kubernetes: ${p.verbs.join(',')} ${p.apiGroup ? `${p.resource}.${p.apiGroup}` : p.resource}` : `proxmox: ${p.privileges.join(',')} on ${p.path}`;
}

export function registerDescribe(program: Command, io: CliIO, _result: CommandResult): void {
  program
    .command('describe')
    .description(SUMMARIES.describe.description)
    .argument('[runbook]', 'runbook name or path')
    .option('--steps', 'list every step type a runbook can use, with its with: fields, types and defaults')
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExamples:\n  runbook describe purge-dead-node\n  runbook describe --steps            # what each uses: takes in with:\n')
    .action(async (name: string | undefined, opts: { output: string; steps?: boolean }, cmd: Command) => {
      // Loaded here, not at the top: the program's help registers this command (zod is ~95 files).
      const [registry, { isDestructive, permissionsOf }, { stepCatalog }, { formatStepCatalog }] = await Promise.all([
        loadRegistry(),
        import('../../step/define-step.js'),
        import('../../runbook/step-catalog.js'),
        import('../format-steps.js'),
      ]);
      if (opts.steps) {
        const catalog = stepCatalog(registry);
        io.out(opts.output === 'json' ? `${JSON.stringify(catalog, null, 2)}\n` : formatStepCatalog(catalog));
        return;
      }
      if (!name) throw new RunbookError('E_USAGE', 'which runbook? usage: runbook describe <runbook>', { hint: 'runbook describe purge-dead-node, or runbook describe --steps for the step types' });
      const { runbook, location } = await loadRunbook(name, io, globalFlags(cmd), registry);
      const describeStep = (s: StepSpec, group?: string): DescribedStep[] => {
        if (s.steps) {
          const head: DescribedStep = { id: s.id, name: s.name, uses: 'group', description: `runs these steps for each item, in order`, destructive: false, forEach: s.forEach, serial: s.serial, permissions: [] };
          return [head, ...s.steps.flatMap((c) => describeStep(c, s.id))];
        }
        const def = registry.get(s.uses)!;
        // Permissions are declared per step type; params may refine them, so use the declared defaults.
        const perms = typeof def.permissions === 'function' ? [] : permissionsOf(def, {});
        const destructive = typeof def.destructive === 'function' ? 'depends on params' : isDestructive(def, {});
        return [{ id: group ? `${group}.${s.id}` : s.id, name: s.name, uses: s.uses, description: def.description, destructive, forEach: s.forEach, serial: s.serial, permissions: perms, ...(group ? { group } : {}) }];
      };
      const steps = runbook.steps.flatMap((s) => describeStep(s));
      if (opts.output === 'json') {
        io.out(JSON.stringify({ name: runbook.name, file: location.file, description: runbook.description, params: runbook.params, preflight: runbook.preflight, steps }, null, 2) + '\n');
        return;
      }
      const out = [`${runbook.name}  (${location.file})`, '', runbook.description.trim(), '', 'Params:'];
      for (const p of runbook.params) {
        // As `run NAME --help` names them: a bool that is on by default is turned off with --no-NAME.
        if (p.type === 'bool') out.push(p.default === true ? `  --no-${p.name}: turn off (on by default): ${p.description}` : `  --${p.name}: ${p.description}`);
        else out.push(`  --${p.name} <${p.type}>${p.required ? ' (required)' : ''}${p.default !== undefined ? ` default ${JSON.stringify(p.default)}` : ''}: ${p.description}`);
      }
      if (!runbook.params.length) out.push('  (none)');
      out.push('', 'Preflight checks:');
      for (const c of runbook.preflight) out.push(`  ${c.name ?? c.id} (${c.uses})`);
      if (!runbook.preflight.length) out.push('  (only the steps\' own checks)');
      out.push('', 'Steps:');
      for (const s of steps) {
        const fan = s.forEach ? ` for each of ${s.forEach}${s.serial ? `, ${s.serial} at a time` : ''}` : '';
        const indent = s.group ? '    ' : '  ';
        out.push(`${indent}${s.name ?? s.id} (${s.uses})${s.destructive === true ? ' [destructive: asks for confirmation]' : ''}${fan}`);
        out.push(`${indent}    ${s.description}`);
      }
      const perms = [...new Set(steps.flatMap((s) => s.permissions.map(permissionLine)))].sort();
      out.push('', 'Permissions needed:', ...(perms.length ? perms.map((p) => `  ${p}`) : ['  (none beyond running commands locally)']));
      io.out(out.join('\n') + '\n');
    });
}
