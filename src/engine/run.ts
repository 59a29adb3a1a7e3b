// The pipeline: compile -> preflight -> plan -> confirm -> apply/verify -> rollback on failure.
// Each stage returns data; this file only sequences them, journals, and picks the exit code.
import { EXIT, RunbookError, findingsExitCode } from '../errors.js';
import type { HeldLock, RunLock } from './run-lock.js';
import type { ExitCode } from '../errors.js';
import type { RunTarget } from './journal-records.js';
import { compile } from '../graph/compile.js';
import type { StepGraph } from '../graph/compile.js';
import { runbookDigest } from '../runbook/digest.js';
import type { Runbook } from '../runbook/types.js';
import type { AdapterProvider } from './adapters.js';
import type { AppliedEntry } from './journal-replay.js';
import type { StepRegistry } from '../step/define-step.js';
import type { Confirmer, EngineObserver } from './events.js';
import { approvePlan, coveredBy } from './approval.js';
import type { Approver } from './approval.js';
import { execute } from './execute.js';
import { planDigest } from './plan-digest.js';
import type { ExecuteResult } from './execute.js';
import { Journal, newRunId } from './journal.js';
import type { JournalRecord, RunStatus } from './journal-records.js';
import { plan, planByKey } from './plan.js';
import type { PlanEntry } from './plan.js';
import { preflight } from './preflight.js';
import type { PreflightOutcome } from './preflight.js';
import { rollback } from './rollback.js';
import type { RollbackResult } from './rollback.js';

interface PipelineOptions {
  runbook: Runbook;
  registry: StepRegistry;
  params: Record<string, unknown>;
  adapters: AdapterProvider;
  observer?: EngineObserver;
  signal?: AbortSignal;
}

export interface PlanOutcome {
  runbook: string;
  digest: string;
  preflight: PreflightOutcome;
  plan: PlanEntry[];
  /** What an approval of this plan is bound to (src/engine/plan-digest.ts). */
  planDigest?: string;
  exitCode: ExitCode;
}

/** Preflight + plan; writes nothing anywhere. */
export async function planRunbook(o: PipelineOptions): Promise<PlanOutcome> {
  const graph = compile(o.runbook, o.registry);
  const signal = o.signal ?? new AbortController().signal;
  const digest = runbookDigest(o.runbook, o.params);
  o.observer?.stage?.('preflight');
  const pre = await preflight({ graph, params: o.params, adapters: o.adapters, runId: 'plan', signal });
  o.observer?.preflightDone?.(pre);
  if (!pre.ok) return { runbook: o.runbook.name, digest, preflight: pre, plan: [], exitCode: EXIT.preflightFailed };
  o.observer?.stage?.('plan');
  const entries = await plan({ graph, params: o.params, adapters: o.adapters, runId: 'plan', signal });
  return { runbook: o.runbook.name, digest, preflight: pre, plan: entries, planDigest: planDigest(digest, entries), exitCode: EXIT.ok };
}

export interface ResumeState {
  runId: string;
  completed: ReadonlyMap<string, unknown>;
  previouslyApplied: readonly AppliedEntry[];
  previouslyCommitted?: ReadonlySet<string>;
}

export interface RunOptions extends PipelineOptions {
  stateDir: string;
  confirm: Confirmer;
  /** True when a person can answer prompts (stdin is a TTY). */
  interactive: boolean;
  /** --yes: every confirmation is answered yes. */
  yes: boolean;
  /** What to do after Ctrl-C/SIGTERM: roll back what was applied, or keep it for `resume`. */
  onInterrupt: () => Promise<'rollback' | 'keep'>;
  /** The cluster this run targets, journaled with its start. */
  target?: RunTarget;
  rollbackOnFailure?: boolean;
  concurrency?: number;
  resume?: ResumeState;
  /** Param names whose values never reach the journal. */
  secretParams?: ReadonlySet<string>;
  /** Called once the run id exists, before anything is applied. */
  onRunId?: (runId: string, journalPath: string) => void;
  /** The per-cluster run lock, taken before the first change and held until the end. */
  lock?: RunLock;
  /** Sees each journal record once it is on disk (test-only crash points, src/cli/crash-points.ts). */
  onJournalRecord?: (record: JournalRecord) => void;
  /** Asks to approve the whole plan once (interactive runs without --yes). */
  approve?: Approver;
  /** `run --plan FILE`: the plan digest approved then; the run is refused if the plan differs now. */
  savedPlanDigest?: string;
}

export interface RunOutcome extends Omit<PlanOutcome, 'exitCode'> {
  runId: string;
  journalPath: string;
  status: RunStatus;
  exitCode: ExitCode;
  execution?: ExecuteResult;
  rollback?: RollbackResult;
  message?: string;
}

function needsConfirmation(graph: StepGraph, entries: readonly PlanEntry[]): string[] {
  const keys = entries.filter((e) => e.destructive && (e.changes.some((c) => c.op !== 'noop') || e.deferred)).map((e) => e.key);
  for (const node of graph.nodes.values()) {
    // A step with `confirm:` asks even when it plans no change; named once, by its instances if planned.
    for (const n of [node, ...(node.children ?? [])]) if (n.spec.confirm && !keys.some((k) => k === n.id || k.startsWith(`${n.id}[`))) keys.push(n.id);
  }
  return keys;
}

export async function runRunbook(o: RunOptions): Promise<RunOutcome> {
  const graph = compile(o.runbook, o.registry);
  const signal = o.signal ?? new AbortController().signal;
  const observer = o.observer ?? {};
  const digest = runbookDigest(o.runbook, o.params);
  const runId = o.resume?.runId ?? newRunId();
  const journal = await Journal.create(o.stateDir, runId, o.secretParams, o.onJournalRecord);
  o.onRunId?.(runId, journal.path);
  const base = { runbook: o.runbook.name, digest, runId, journalPath: journal.path, preflight: { ok: true, results: [] } as PreflightOutcome, plan: [] as PlanEntry[] };
  const finish = async (outcome: Omit<RunOutcome, keyof typeof base> & Partial<typeof base>): Promise<RunOutcome> => {
    // A resume that changed nothing leaves the run's status as it was.
    const t = o.resume && !outcome.execution ? 'resume-refused' : 'run-finished';
    await journal.append({ t, status: outcome.status, exitCode: outcome.exitCode, ...(outcome.message ? { error: outcome.message } : {}) });
    await journal.close();
    return { ...base, ...outcome };
  };

  try {
    await journal.append({ t: 'run-started', runId, runbook: o.runbook.name, file: o.runbook.source.file, digest, params: o.params, mode: o.resume ? 'resume' : 'run', pid: process.pid, ...(o.target ? { target: o.target } : {}) });
    observer.stage?.('preflight');
    const pre = await preflight({ graph, params: o.params, adapters: o.adapters, runId, signal });
    base.preflight = pre;
    observer.preflightDone?.(pre);
    await journal.append({ t: 'preflight', ok: pre.ok, results: pre.results });
    if (!pre.ok) return await finish({ status: 'preflight-failed', exitCode: EXIT.preflightFailed, message: 'preflight failed: nothing was changed' });

    observer.stage?.('plan');
    const planNow = () => plan({ graph, params: o.params, adapters: o.adapters, runId, signal });
    const journalPlan = (es: readonly PlanEntry[]) => journal.append({ t: 'plan', changes: es.flatMap((e) => e.changes.map((c) => ({ ...c, key: e.key }))) });
    let entries = await planNow();
    base.plan = entries;
    observer.planned?.(entries);
    await journalPlan(entries);

    const approval = await approvePlan({
      entries,
      runbookDigest: digest,
      needs: needsConfirmation(graph, entries).filter((k) => !o.resume?.completed.has(k)),
      ...(o.savedPlanDigest !== undefined ? { savedPlanDigest: o.savedPlanDigest } : {}),
      ...(o.approve && o.interactive && !o.yes ? { ask: o.approve } : {}),
      replan: planNow,
      replanned: async (es) => {
        observer.planned?.(es);
        await journalPlan(es);
      },
    });
    if (approval.kind === 'refused') return await finish({ status: approval.status, exitCode: approval.exitCode, message: approval.message });
    const approved = approval.kind === 'approved' ? approval.keys : undefined;
    if (approval.kind === 'approved') base.plan = entries = approval.entries;
    const gated = needsConfirmation(graph, entries).filter((k) => !o.resume?.completed.has(k) && !(approved && coveredBy(approved, { key: k, stepId: k })));
    if (gated.length && !o.yes && !o.interactive) {
      return await finish({
        status: 'declined',
        exitCode: EXIT.declined,
        message: `confirmation needed for ${gated.join(', ')} but there is no terminal to ask: pass --yes to approve, nothing was changed`,
      });
    }

    let held: HeldLock | undefined;
    try {
      held = await o.lock?.acquire(runId, o.runbook.name);
    } catch (e) {
      if (!(e instanceof RunbookError) || e.code !== 'E_LOCKED') throw e;
      return await finish({ status: 'preflight-failed', exitCode: EXIT.preflightFailed, message: `${e.message}; nothing was changed${e.hint ? ` (${e.hint})` : ''}` });
    }
    try {
      return await applyAndSettle(o, { graph, journal, observer, signal, runId, entries, finish, ...(approved ? { approved } : {}) });
    } finally {
      await held?.release();
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await journal.append({ t: 'run-finished', status: 'failed', exitCode: EXIT.stepFailed, error: message }).catch(() => {});
    await journal.close().catch(() => {});
    throw e;
  }
}

interface ApplyStage {
  graph: StepGraph;
  journal: Journal;
  observer: EngineObserver;
  signal: AbortSignal;
  runId: string;
  entries: PlanEntry[];
  finish: Parameters<typeof settle>[5];
  /** Keys the whole-plan approval covers: they are not asked again. */
  approved?: ReadonlySet<string>;
}

async function applyAndSettle(o: RunOptions, { graph, journal, observer, signal, runId, entries, finish, approved }: ApplyStage): Promise<RunOutcome> {
  observer.stage?.('apply');
  const confirm: Confirmer = o.yes ? async () => true : approved ? async (r) => coveredBy(approved, r.instance) || o.confirm(r) : o.confirm;
  const execution = await execute({
    graph,
    params: o.params,
    adapters: o.adapters,
    journal,
    observer,
    confirm,
    signal,
    runId,
    planned: planByKey(entries),
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    ...(o.resume ? { completed: o.resume.completed, previouslyApplied: o.resume.previouslyApplied, ...(o.resume.previouslyCommitted ? { previouslyCommitted: o.resume.previouslyCommitted } : {}) } : {}),
  });
  return await settle(o, execution, journal, runId, observer, finish);
}

async function settle(
  o: RunOptions,
  execution: ExecuteResult,
  journal: Journal,
  runId: string,
  observer: EngineObserver,
  finish: (x: Omit<RunOutcome, 'runbook' | 'digest' | 'runId' | 'journalPath' | 'preflight' | 'plan'>) => Promise<RunOutcome>,
): Promise<RunOutcome> {
  const message = execution.error?.message;
  // Group items that completed whole stay: a rolling fix that fails on node 3 undoes node 3,
  // not nodes 1-2 (`runbook rollback RUN_ID` undoes everything, when that is what is wanted).
  const toUndo = execution.applied.filter((e) => !execution.committed.has(e.key));
  const doRollback = () => rollback({ entries: toUndo, registry: o.registry, adapters: o.adapters, journal, observer, runId });
  switch (execution.status) {
    case 'succeeded':
      return finish({ status: 'succeeded', exitCode: EXIT.ok, execution });
    case 'declined':
      return finish({ status: 'declined', exitCode: EXIT.declined, execution, message: `${message ?? 'declined'}; nothing more was changed (see runbook resume / rollback)` });
    case 'interrupted': {
      if (toUndo.length && (await o.onInterrupt()) === 'rollback') {
        const rb = await doRollback();
        return finish({ status: rb.ok ? 'rolled-back' : 'rollback-incomplete', exitCode: rb.ok ? EXIT.interrupted : EXIT.rollbackIncomplete, execution, rollback: rb, message: 'interrupted' });
      }
      return finish({ status: 'interrupted', exitCode: EXIT.interrupted, execution, message: 'interrupted' });
    }
    case 'failed': {
      // A check that fails on the cluster's state (a hygiene run's findings) says so with its own
      // exit code, as long as nothing needs undoing.
      const cause = execution.error?.cause;
      const declared = findingsExitCode(cause);
      const undoable = toUndo.some((e) => e.undo !== null && e.undo !== undefined);
      // Its status says so too: history and the report call it findings, not a failure.
      if (declared !== undefined && !undoable) return finish({ status: 'findings', exitCode: declared, execution, ...(message ? { message } : {}) });
      if (o.rollbackOnFailure === false || toUndo.length === 0) {
        return finish({ status: 'failed', exitCode: EXIT.stepFailed, execution, ...(message ? { message } : {}) });
      }
      const rb = await doRollback();
      return finish({
        status: rb.ok ? 'rolled-back' : 'rollback-incomplete',
        exitCode: rb.ok ? EXIT.stepFailed : EXIT.rollbackIncomplete,
        execution,
        rollback: rb,
        ...(message ? { message } : {}),
      });
    }
  }
}
