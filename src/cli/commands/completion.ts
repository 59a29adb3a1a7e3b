// `runbook completion bash|zsh|fish|kubectl` prints a completion script; the hidden
// `runbook __complete -- WORDS...` answers it, one candidate a line (src/cli/completion-*.ts).
import { Argument } from 'commander';
import type { Command } from 'commander';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry, loadRunbook } from '../context.js';
import type { CompletionSources } from '../completion-candidates.js';
import type { CliIO } from '../io.js';
import { COMPLETION_SCRIPTS, SHELLS, type Shell } from '../completion-scripts.js';
import { SUMMARIES } from './summaries.js';

/** The cluster gets this long to list its nodes ($RUNBOOK_COMPLETION_TIMEOUT): a person is waiting. */
const NODE_LOOKUP_MS = 300;

function sources(io: CliIO, cmd: Command): CompletionSources {
  const flags = globalFlags(cmd);
  return {
    async runbookNames(dirs) {
      const { listRunbooks, searchPath } = await import('../find-runbook.js');
      return listRunbooks(searchPath(io.env, io.cwd, [...(flags.runbooksDir ?? []), ...dirs])).map((r) => r.name);
    },
    async runbookFlags(kind, name, dirs) {
      try {
        const { runbookCommand } = await import('../runbook-options.js');
        const { runbook } = await loadRunbook(name, io, { ...flags, runbooksDir: [...(flags.runbooksDir ?? []), ...dirs] }, await loadRegistry());
        return { command: runbookCommand(kind, io, runbook), params: runbook.params };
      } catch {
        return undefined;
      }
    },
    async nodeNames(target) {
      const [{ clusterNodeNames }, { envDuration }] = await Promise.all([import('../completion-nodes.js'), import('../../runbook/duration.js')]);
      return clusterNodeNames(io.env, target, envDuration('RUNBOOK_COMPLETION_TIMEOUT', io.env.RUNBOOK_COMPLETION_TIMEOUT) || NODE_LOOKUP_MS);
    },
  };
}

export function registerCompletion(program: Command, io: CliIO, _result: CommandResult): void {
  program
    .command('completion')
    .description(SUMMARIES.completion.description)
    .addArgument(new Argument('<shell>', 'bash, zsh, fish, or kubectl (for `kubectl runbook`)').choices(SHELLS))
    .addHelpText('after', `
Examples:
  source <(runbook completion bash)            this shell; add the line to ~/.bashrc to keep it
  runbook completion zsh > "\${fpath[1]}/_runbook"
  runbook completion fish > ~/.config/fish/completions/runbook.fish
  runbook completion kubectl > ~/.local/bin/kubectl_complete-runbook && chmod +x ~/.local/bin/kubectl_complete-runbook
`)
    .action((shell: Shell) => {
      io.out(COMPLETION_SCRIPTS[shell]);
    });
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .helpOption(false)
    .action(async (words: string[], _o: unknown, cmd: Command) => {
      const { completionCandidates } = await import('../completion-candidates.js');
      const found = await completionCandidates(program, words.length ? words : [''], sources(io, cmd));
      if (found.length) io.out(`${found.join('\n')}\n`);
    });
}
