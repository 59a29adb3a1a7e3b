// Prompts, each with the same two ways out: Ctrl-C is an interrupt (the caller takes its
// documented interrupt path), Esc is "no". Neither ever reaches the user as an error.
import { EXIT, RunbookError } from '../errors.js';
import type { TtyInput } from './prompt-input.js';
import { guardInput } from './prompt-input.js';

type PromptEnd = 'interrupt' | 'decline';
type Answer<T> = { ok: true; value: T } | { ok: false; end: PromptEnd };

/** The part of an enquirer prompt this module drives. */
interface PromptHandle {
  cancel(): unknown;
  once(event: 'run' | 'close', listener: () => void): unknown;
  state?: { cancelled?: boolean };
}

interface CursorPrompt {
  stdout: NodeJS.WritableStream;
  cursorShow(): void;
  once(event: 'close', listener: () => void): unknown;
}

/** Options every prompt is created with: the guarded input and a handle on the prompt. */
interface PromptHooks {
  stdin?: NodeJS.ReadableStream;
  onRun(prompt: PromptHandle): void;
  cursorHide(this: CursorPrompt): void;
}

/**
 * Replaces enquirer's cursorHide, which also installs SIGTERM/SIGINT handlers that call
 * process.exit(143/130) on the spot: a SIGTERM during a question killed the run with the lock
 * held and the journal unfinished. Without them the signal takes the run's interrupt path,
 * which closes the prompt (and shows the cursor again).
 */
function cursorHide(this: CursorPrompt): void {
  this.stdout.write('\x1b[?25l');
  this.once('close', () => this.cursorShow());
}

/**
 * Runs one prompt. `input` is the terminal (undefined: enquirer's default); `signal` ends the
 * prompt as an interrupt too (SIGTERM while a question is open).
 */
export async function ask<T>(input: TtyInput | undefined, run: (hooks: PromptHooks) => Promise<T>, signal?: AbortSignal): Promise<Answer<T>> {
  if (signal?.aborted) return { ok: false, end: 'interrupt' };
  let prompt: PromptHandle | undefined;
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    void prompt?.cancel();
  };
  const guard = input ? guardInput(input, interrupt) : undefined;
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    const value = await run({
      ...(guard ? { stdin: guard.stream } : {}),
      cursorHide,
      onRun: (p) => {
        prompt = p;
        // Ctrl-C before the prompt was listening: cancel it as soon as it runs.
        if (interrupted) p.once('run', () => void p.cancel());
      },
    });
    return interrupted ? { ok: false, end: 'interrupt' } : { ok: true, value };
  } catch (e) {
    if (interrupted) return { ok: false, end: 'interrupt' };
    if (prompt?.state?.cancelled) return { ok: false, end: 'decline' };
    throw e;
  } finally {
    signal?.removeEventListener('abort', interrupt);
    guard?.dispose();
  }
}

/** Ctrl-C at a prompt outside a run: nothing more is done, exit 130. */
export function interruptedAtPrompt(): RunbookError {
  return new RunbookError('E_INTERRUPTED', 'interrupted at the prompt; nothing more was changed', { exitCode: EXIT.interrupted });
}

export async function askYesNoAnswer(message: string, initial: boolean, input?: TtyInput): Promise<Answer<boolean>> {
  const { default: Enquirer } = await import('enquirer');
  return ask(input, async (hooks) => ((await Enquirer.prompt({ type: 'confirm', name: 'ok', message, initial, ...hooks } as never)) as { ok: boolean }).ok);
}

/** Yes or no; Esc is no, Ctrl-C throws the interrupt (exit 130). */
export async function askYesNo(message: string, initial: boolean, input?: TtyInput): Promise<boolean> {
  const answer = await askYesNoAnswer(message, initial, input);
  if (!answer.ok && answer.end === 'interrupt') throw interruptedAtPrompt();
  return answer.ok && answer.value;
}

interface Choice {
  name: string;
  message: string;
}

/** One choice from a short list (arrow keys + enter); the answer is the chosen `name`. */
/** `signal` ends the question as an interrupt (SIGTERM while it is open). */
export async function pickOne(message: string, choices: readonly Choice[], input?: TtyInput, initial?: string, signal?: AbortSignal): Promise<Answer<string>> {
  const { default: Enquirer } = await import('enquirer');
  // Enquirer prints the submitted choice's name: the names are the labels a person read, and
  // the caller's key is looked up from the label (no `explain:9` on the screen).
  const byLabel = new Map(choices.map((c) => [c.message, c.name]));
  const answer = await ask(input, async (hooks) => ((await Enquirer.prompt({ type: 'select', name: 'pick', message, choices: choices.map((c) => ({ name: c.message })), ...(initial ? { initial: Math.max(0, choices.findIndex((c) => c.name === initial)) } : {}), ...hooks } as never)) as { pick: string }).pick, signal);
  return answer.ok ? { ok: true, value: byLabel.get(answer.value) ?? answer.value } : answer;
}

/** A line of text (e.g. a finding's number); `validate` returns an error text or true. */
export async function askText(message: string, validate: (value: string) => string | true, input?: TtyInput): Promise<Answer<string>> {
  const { default: Enquirer } = await import('enquirer');
  return ask(input, async (hooks) => ((await Enquirer.prompt({ type: 'input', name: 'text', message, validate, ...hooks } as never)) as { text: string }).text.trim());
}
