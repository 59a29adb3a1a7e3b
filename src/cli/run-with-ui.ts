// Runs the pipeline with the terminal UI: listr2 progress, plan printout, prompts, signals,
// and the final report (text or JSON). Shared by `run` and `resume`.
import type { StepRegistry } from '../step/define-step.js';
import type { EngineObserver } from '../engine/events.js';
import type { ResumeState } from '../engine/run.js';
import { isSecretKey, secretParamsHider } from '../redact.js';
import { envDuration } from '../runbook/duration.js';
import type { Runbook } from '../runbook/types.js';
import type { AdapterProvider } from '../engine/adapters.js';
import type { RunLock } from '../engine/run-lock.js';
import { cliAdapters, kubeTargetOf } from './adapters.js';
import { planApprover } from './approve-plan.js';
import { crashPoints } from './crash-points.js';
import type { GlobalFlags } from './context.js';
import { stateDirOf } from './context.js';
import { formatPlan, formatPreflight } from './format-plan.js';
import { formatRunOutcome, runOutcomeJson } from './format-run.js';
import type { CliIO } from './io.js';
import { isCI } from './io.js';

interface RunWithUiOptions {
  io: CliIO;
  flags: GlobalFlags;
  runbook: Runbook;
  registry: StepRegistry;
  params: Record<string, unknown>;
  opts: Record<string, unknown>;
  resume?: ResumeState;
  /** `run --plan FILE`: the plan digest that file approved. */
  savedPlanDigest?: string;
}

export async function runWithUi({ io, flags, runbook, registry, params, opts, resume, savedPlanDigest }: RunWithUiOptions): Promise<number> {
  const json = opts.output === 'json';
  const interactive = io.stdinIsTTY && !json;
  const renderer = json ? 'silent' : io.stdoutIsTTY && !isCI(io.env) ? 'default' : 'simple';
  const [{ createListrView }, { askYesNoAnswer }, { runRunbook }] = await Promise.all([import('../ui/listr-view.js'), import('../ui/prompt.js'), import('../engine/run.js')]);
  const controller = new AbortController();
  let interrupts = 0;
  const interrupt = (what: string, doing = 'stopping after the running step') => {
    interrupts++;
    if (!json) io.err(`\n${what}: ${doing}${interrupts > 1 ? ' (again: aborting it)' : ''}...\n`);
    controller.abort(new Error(what));
  };
  // Ctrl-C at a confirmation takes the same path as SIGINT (a prompt puts the terminal in raw
  // mode, so the key arrives as a byte instead of a signal).
  const view = createListrView(renderer, { ...(io.stdin ? { input: io.stdin } : {}), signal: controller.signal, interrupt: () => controller.signal.aborted || interrupt('Ctrl-C at the question', 'starting nothing more') }, { out: io.out, err: io.err });
  // A secret param's value stays out of what is printed, wherever a step put it (the journal
  // redacts it the same way).
  const hide = secretParamsHider(params);
  const text: EngineObserver = json
    ? {}
    : {
        preflightDone: (pre) => io.out(hide(formatPreflight(pre))),
        planned: (entries) => io.out(hide(formatPlan(runbook.name, entries))),
        stage: (stage) => {
          if (stage === 'apply') view.start(runbook.steps.map((s) => ({ stepId: s.id, title: s.name ?? s.id })));
        },
      };
  const observer: EngineObserver = { ...view.observer, ...text };

  const offSignal = io.onSignal(interrupt);
  const onInterruptFlag = String(opts.onInterrupt ?? 'ask');
  let runId: string | undefined = resume?.runId;
  const crash = crashPoints(io);
  const real = cliAdapters(io, opts, { runbook: runbook.name, runId: () => runId });
  const adapters = crash?.adapters(real) ?? real;
  const lock = opts.lock !== false && touchesKubernetes(runbook, registry) ? lazyLeaseLock(adapters, io) : undefined;
  // Which cluster, for `runbook history`; a kubeconfig that cannot be read fails later, where it is used.
  const target = touchesKubernetes(runbook, registry) ? await kubeTargetOf(io, opts).catch(() => undefined) : undefined;
  try {
    const outcome = await runRunbook({
      runbook: runbook,
      registry: registry,
      params: params,
      adapters,
      ...(lock ? { lock } : {}),
      onRunId: (id) => (runId = id),
      ...(target ? { target } : {}),
      ...(crash ? { onJournalRecord: crash.onJournalRecord } : {}),
      observer,
      signal: controller.signal,
      stateDir: stateDirOf(io, flags),
      confirm: view.confirm,
      approve: planApprover(io, controller.signal),
      ...(savedPlanDigest !== undefined ? { savedPlanDigest } : {}),
      ...(resume ? { resume } : {}),
      interactive,
      yes: Boolean(opts.yes),
      rollbackOnFailure: opts.rollback !== false,
      concurrency: Number(opts.concurrency ?? 4),
      secretParams: new Set(runbook.params.filter((p) => isSecretKey(p.name)).map((p) => p.name)),
      onInterrupt: async () => {
        await view.done();
        if (onInterruptFlag === 'rollback' || onInterruptFlag === 'keep') return onInterruptFlag;
        if (!interactive) return 'keep';
        // Esc or Ctrl-C here: keep (change nothing more); `runbook rollback RUN_ID` is still there.
        const answer = await askYesNoAnswer('Interrupted. Roll back the steps completed so far?', true, io.stdin);
        return answer.ok && answer.value ? 'rollback' : 'keep';
      },
    });
    await view.done();
    io.out(json ? JSON.stringify(hide(runOutcomeJson(outcome)), null, 2) + '\n' : hide(formatRunOutcome(outcome)));
    return outcome.exitCode;
  } finally {
    offSignal();
  }
}

/** Runs that may change the cluster take its run lock; a Proxmox- or shell-only runbook does not. */
function touchesKubernetes(runbook: Runbook, registry: StepRegistry): boolean {
  const calls = runbook.steps.flatMap((s) => [s, ...(s.steps ?? []), ...(s.gate ? [s.gate] : [])]);
  return calls.some((c) => registry.get(c.uses)?.uses.includes('kube'));
}

/** The Lease lock, built on first use from the run's own Kubernetes writer (also rollback's and restore's). */
export function lazyLeaseLock(adapters: AdapterProvider, io: CliIO): RunLock {
  return {
    async acquire(runId, name) {
      const [{ leaseRunLock }, { kube }] = await Promise.all([import('../adapters/kube/run-lock.js'), adapters.writer(['kube'])]);
      const ttlMs = envDuration('RUNBOOK_LOCK_TTL', io.env.RUNBOOK_LOCK_TTL) ?? 60_000;
      return leaseRunLock(kube, { ttlSeconds: Math.max(1, Math.round(ttlMs / 1000)) }).acquire(runId, name);
    },
  };
}
