// listr2 as a view of the engine: one task per step, driven by engine events. listr2's own
// retry/rollback are not used; the engine owns those and the journal. Prompts for destructive
// steps go through enquirer inside the step's task (listr2's prompt adapter), so the
// progress display and the question never fight over the terminal.
import { ListrEnquirerPromptAdapter } from '@listr2/prompt-adapter-enquirer';
import { LISTR_LOGGER_STDERR_LEVELS, Listr, ListrLogger, ProcessOutput, createWritable } from 'listr2';
import type { ListrTaskWrapper } from 'listr2';
import type { Confirmer, EngineObserver, InstanceInfo } from '../engine/events.js';
import { AbortedError } from '../engine/retry.js';
import { findingsExitCode } from '../errors.js';
import { deferred } from './deferred.js';
import type { Deferred } from './deferred.js';
import { ask } from './prompt.js';
import type { TtyInput } from './prompt-input.js';

type RendererKind = 'default' | 'simple' | 'silent';

/** Where the view writes without a terminal: the command's own output (CliIO's out/err). */
interface ViewOutput {
  out(text: string): void;
  err(text: string): void;
}

interface StepRow {
  stepId: string;
  title: string;
}

interface ListrView {
  observer: EngineObserver;
  confirm: Confirmer;
  /** Starts drawing the apply stage for these steps. */
  start(rows: readonly StepRow[]): void;
  /** Waits until everything drawn so far has settled on screen. */
  done(): Promise<void>;
}

// listr2's wrapper type is generic over renderers; the view only uses title/output/prompt/skip.
type AnyTask = ListrTaskWrapper<unknown, any, any>;

interface Row {
  task?: AnyTask;
  taskReady: Deferred<AnyTask>;
  finished: Deferred<'done' | 'skipped' | 'stopped'>;
  error?: Error;
  /** The step judged the cluster (exit 6/7): it worked, the cluster has findings. */
  findings?: string;
  /** A person said no to one of its instances: shown as declined, never with a check mark. */
  declined?: string;
  items: number;
}

interface PromptWiring {
  /** The terminal the confirmations read (absent: enquirer's default). */
  input?: TtyInput;
  /** The run's interrupt: an open confirmation is cancelled when it fires (SIGTERM). */
  signal?: AbortSignal;
  /** Ctrl-C at a confirmation: start the run's interrupt, as the signal handler does. */
  interrupt(): void;
}

/**
 * The simple renderer's lines go through the CLI's output, not process.stdout: they are part of
 * the command's output (a closed pipe, an in-process caller see them like every other line).
 * The same logger the simple renderer builds by default, but for its streams.
 */
function lineLogger(output: ViewOutput): ListrLogger {
  const stream = (write: (text: string) => void) => createWritable(write) as unknown as NodeJS.WriteStream;
  return new ListrLogger({ useIcons: true, toStderr: LISTR_LOGGER_STDERR_LEVELS, processOutput: new ProcessOutput(stream(output.out), stream(output.err)) });
}

/** Enquirer marks every answered question ✔, a "No" too: a declined step gets ✖ (as Esc does). */
function answeredPrefix(this: { value?: unknown }, state: { status: string }): string {
  if (state.status === 'submitted') return this.value ? '✔' : '✖';
  return state.status === 'cancelled' ? '✖' : '?';
}

export function createListrView(renderer: RendererKind, prompts: PromptWiring, output?: ViewOutput): ListrView {
  const rows = new Map<string, Row>();
  const titles = new Map<string, string>();
  let chain: Promise<unknown> = Promise.resolve();
  const options = {
    concurrent: true,
    exitOnError: false,
    renderer,
    rendererOptions: { collapseErrors: false, showErrorMessage: true, persistentOutput: false, ...(renderer === 'simple' && output ? { logger: lineLogger(output) } : {}) },
  } as const;

  const drawList = (tasks: ConstructorParameters<typeof Listr<unknown>>[0]) => {
    const list = new Listr<unknown>(tasks, { ...options, registerSignalListeners: false } as never);
    chain = chain.then(() => list.run().catch(() => undefined));
  };

  // A step inside a group (`roll.drain`) reports on its group's row.
  const rowFor = (stepId: string): Row | undefined => rows.get(stepId) ?? rows.get(stepId.split('.')[0]!);

  const observer: EngineObserver = {
    stepStarted(info: InstanceInfo, attempt: number) {
      const row = rowFor(info.stepId);
      if (!row) return;
      row.items++;
      if (!row.task) return;
      row.task.title = titles.get(info.stepId) ?? titles.get(info.stepId.split('.')[0]!) ?? info.stepId;
      row.task.output = attempt > 1 ? `${info.title}: attempt ${attempt}` : `${info.title}: running`;
    },
    stepRetrying(info, attempt, error, delayMs) {
      const row = rowFor(info.stepId);
      if (row?.task) row.task.output = `${info.title}: ${error.message}; retrying (attempt ${attempt}) in ${delayMs} ms`;
    },
    stepSucceeded(info) {
      const row = rowFor(info.stepId);
      if (row?.task && info.key !== info.stepId) row.task.output = `${info.title}: done`;
    },
    stepFailed(info, error) {
      const row = rowFor(info.stepId);
      if (row && findingsExitCode(error) !== undefined) row.findings = error.message;
      else if (row && !row.error) row.error = new Error(`${info.title}: ${error.message}`);
    },
    stepSkipped(info, reason) {
      const row = rowFor(info.stepId);
      if (row && reason === 'declined') row.declined ??= info.title;
    },
    stepLog(info, message) {
      const row = rowFor(info.stepId);
      if (row?.task) row.task.output = message;
    },
    nodeFinished(stepId, outcome) {
      rowFor(stepId)?.finished.resolve(outcome);
    },
    rollbackStarted(keys) {
      const results = new Map(keys.map((k) => [k, deferred<Error | undefined>()]));
      observerRollback = (key, ok, error) => results.get(key)?.resolve(ok ? undefined : (error ?? new Error('rollback failed')));
      drawList(
        keys.map((key) => ({
          title: `Roll back ${key}`,
          task: async () => {
            const err = await results.get(key)!.promise;
            if (err) throw err;
          },
        })),
      );
    },
    rollbackStep(key, ok, error) {
      observerRollback(key, ok, error);
    },
  };
  let observerRollback: NonNullable<EngineObserver['rollbackStep']> = () => {};

  const confirm: Confirmer = async (request) => {
    const row = rowFor(request.instance.stepId);
    const task = row?.task ?? (row ? await row.taskReady.promise : undefined);
    const changes = request.changes.filter((c) => c.op !== 'noop').map((c) => `  ${c.op} ${c.target}: ${c.summary}`);
    const message = [request.message, ...changes].join('\n');
    if (!task) return false;
    const adapter = task.prompt(ListrEnquirerPromptAdapter);
    const answer = await ask(prompts.input, (hooks) => adapter.run<boolean>({ type: 'Toggle', message, enabled: 'Yes', disabled: 'No', initial: false, prefix: answeredPrefix, ...hooks } as never), prompts.signal);
    // The adapter keeps listening after its prompt ended: skipping the task later "cancels" that
    // prompt and restores the task to STARTED, so a declined step ended with a check mark.
    (adapter as unknown as { prompt?: unknown }).prompt = undefined;
    if (answer.ok) return answer.value;
    // Esc is "no" (the run ends declined); Ctrl-C is the run's interrupt, so this step ends
    // interrupted and the keep/rollback question (or --on-interrupt) follows.
    if (answer.end === 'decline') return false;
    prompts.interrupt();
    throw new AbortedError('interrupted at the confirmation');
  };

  return {
    observer,
    confirm,
    start(stepRows) {
      for (const r of stepRows) {
        rows.set(r.stepId, { taskReady: deferred(), finished: deferred(), items: 0 });
        titles.set(r.stepId, r.title);
      }
      drawList(
        stepRows.map((r) => ({
          title: r.title,
          task: async (_ctx: unknown, task: AnyTask) => {
            const row = rows.get(r.stepId)!;
            row.task = task;
            // listr2 spins every task it has started; say which ones are only waiting their turn.
            if (row.items === 0) task.title = `${r.title} (waiting)`;
            row.taskReady.resolve(task);
            const outcome = await row.finished.promise;
            task.title = r.title;
            if (row.error) throw row.error;
            if (row.declined) return task.skip(`${r.title} (declined${row.declined === r.title ? '' : `: ${row.declined}`})`);
            // It ran and judged: the verdict (before its list of findings) is the row's title.
            if (row.findings) task.title = `${r.title}: ${row.findings.split(': ')[0]}`;
            else if (outcome === 'skipped') task.skip(`${r.title} (skipped: condition is false)`);
            else if (outcome === 'stopped') task.skip(`${r.title} (not run)`);
          },
        })),
      );
    },
    async done() {
      // Steps that never started (an earlier failure) finish as "not run".
      for (const row of rows.values()) row.finished.resolve('stopped');
      await chain;
    },
  };
}
