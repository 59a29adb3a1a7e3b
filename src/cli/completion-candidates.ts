// What `runbook __complete -- WORDS...` answers: the candidates for the last word. Commands,
// flags and choices come from commander's own command tree; for `run`/`plan` the runbook's own
// flags command (the one that parses its params) adds its params, their enum values and, for
// params named node/nodes, the current cluster's node names. The shell filters by prefix.
import type { Command, Option } from 'commander';
import type { ParamSpec } from '../runbook/types.js';
import type { InvocationKind } from './runbook-options.js';

export interface CompletionSources {
  runbookNames(runbooksDirs: string[]): Promise<string[]>;
  /** The flags command `run|plan NAME` parses with, and the runbook's params; undefined if it does not load. */
  runbookFlags(kind: InvocationKind, name: string, runbooksDirs: string[]): Promise<{ command: Command; params: ParamSpec[] } | undefined>;
  /** Node names when the cluster answers in time, else none. */
  nodeNames(target: { kubeconfig?: string; context?: string }): Promise<string[]>;
}

const NODE_PARAMS = new Set(['node', 'nodes']);

const takesValue = (o: Option) => o.required || o.optional;

function findOption(scope: readonly Command[], word: string): Option | undefined {
  const flag = word.split('=')[0];
  for (const c of scope) {
    const found = c.options.find((o) => o.long === flag || o.short === flag);
    if (found) return found;
  }
  return undefined;
}

function invocationKind(cmd: Command): InvocationKind | undefined {
  const name = cmd.name();
  return cmd.parent && !cmd.parent.parent && (name === 'run' || name === 'plan') ? name : undefined;
}

export async function completionCandidates(program: Command, words: readonly string[], sources: CompletionSources): Promise<string[]> {
  const partial = words.at(-1) ?? '';
  let cmd = program;
  let scope: Command[] = [program]; // the options valid here: this command's and its ancestors'
  const positional: string[] = [];
  const given: Record<string, string[]> = {}; // option values typed so far, e.g. --runbooks-dir
  let pending: Option | undefined;
  let params: ParamSpec[] = [];
  for (const w of words.slice(0, -1)) {
    if (pending) {
      (given[pending.long ?? ''] ??= []).push(w);
      pending = undefined;
    } else if (w.startsWith('-')) {
      const o = findOption(scope, w);
      if (o && takesValue(o) && !w.includes('=')) pending = o;
    } else {
      const sub = positional.length === 0 ? cmd.commands.find((c) => c.name() === w || c.aliases().includes(w)) : undefined;
      if (sub) {
        cmd = sub;
        scope = [sub, ...scope];
        continue;
      }
      positional.push(w);
      const kind = invocationKind(cmd);
      if (kind && positional.length === 1) {
        const flags = await sources.runbookFlags(kind, w, given['--runbooks-dir'] ?? []);
        if (flags) [scope, params] = [[flags.command, ...scope], flags.params];
      }
    }
  }
  if (pending) {
    if (pending.argChoices) return pending.argChoices;
    const param = params.find((p) => `--${p.name}` === pending.long);
    if (param?.type === 'enum') return param.values ?? [];
    if (param && NODE_PARAMS.has(param.name)) return sources.nodeNames({ ...(given['--kubeconfig'] ? { kubeconfig: given['--kubeconfig'].at(-1)! } : {}), ...(given['--context'] ? { context: given['--context'].at(-1)! } : {}) });
    return [];
  }
  if (partial.startsWith('-')) return [...new Set([...scope.flatMap((c) => c.options.filter((o) => !o.hidden && o.long).map((o) => o.long!)), '--help'])];
  if (positional.length === 0) {
    const subs = program.createHelp().visibleCommands(cmd).map((c) => c.name());
    if (subs.length) return subs;
  }
  const arg = cmd.registeredArguments[positional.length];
  if (arg?.name() === 'runbook') return sources.runbookNames(given['--runbooks-dir'] ?? []);
  return arg?.argChoices ?? [];
}
