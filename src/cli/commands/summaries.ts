// What the program's own help says of each command: its description (the one source: each command
// file takes its description from here) and the term commander prints for it in the list. The
// program's help, `--version` and an unknown command's suggestion need nothing more, so they load
// this table instead of every command file and its imports (--help loaded 87 files, now ~20).
// test/cli/command-summaries.test.ts checks that the terms are the ones the real definitions print.

export interface CommandSummary {
  /** As `runbook --help` lists it: name, `[options]` when it has any, its arguments. */
  readonly term: string;
  readonly description: string;
}

export const SUMMARIES = {
  list: { term: 'list [options]', description: 'list shipped and local runbooks' },
  describe: {
    term: 'describe [options] [runbook]',
    description: 'explain a runbook: params, steps, what it changes, permissions it needs; or, with --steps, every step type',
  },
  validate: { term: 'validate [options] <files...>', description: 'check runbook files: schema, step types, params, references, cycles' },
  plan: { term: 'plan [runbook] [params...]', description: 'show what a runbook would change (runs preflight, changes nothing)' },
  run: { term: 'run [runbook] [params...]', description: 'run a runbook: preflight, plan, confirm, apply, verify (rollback on failure)' },
  doctor: { term: 'doctor [options]', description: 'diagnose the cluster and Proxmox, explain what is wrong, propose and run the fixes' },
  history: { term: 'history [options]', description: 'list past runs, newest last' },
  show: { term: 'show [options] <run-id>', description: 'show one run: params, each step, saved objects, rollback' },
  rollback: { term: 'rollback [options] <run-id>', description: 'undo the steps a past run applied, newest first, from its journal' },
  resume: { term: 'resume [options] <run-id>', description: 'continue an interrupted run from the first step not completed (preflight runs again)' },
  restore: { term: 'restore [options] <run-id>', description: 're-create Kubernetes objects a run deleted, from the copies in its journal' },
  schedule: {
    term: 'schedule [options] <runbook>',
    description: 'emit a CronJob (+ ServiceAccount and least-privilege RBAC) or a systemd timer that runs a runbook unattended',
  },
  rbac: { term: 'rbac [options] <runbook>', description: 'print the Kubernetes ClusterRole and Proxmox privileges a runbook needs (least privilege)' },
  lab: { term: 'lab', description: 'the embedded lab: a simulated k3s cluster on simulated Proxmox VE, on 127.0.0.1' },
  completion: { term: 'completion <shell>', description: 'print the shell completion script (commands, flags, runbooks, params, node names)' },
} as const satisfies Record<string, CommandSummary>;

export type CommandName = keyof typeof SUMMARIES;
