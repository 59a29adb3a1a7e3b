// One error hierarchy for the whole tool. A RunbookError is something the user can act on:
// the CLI prints its message and hint, never a stack. Anything else is an internal error.

/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  stepFailed: 1,
  invalidInput: 2,
  preflightFailed: 3,
  declined: 4,
  rollbackIncomplete: 5,
  /** `doctor`/`cluster-hygiene`: the worst finding is a warning. */
  findingsWarning: 6,
  /** `doctor`/`cluster-hygiene`: the worst finding is critical. */
  findingsCritical: 7,
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A check that judged the cluster (exit 6/7): findings about the cluster, not a failure of ours. */
export function findingsExitCode(e: unknown): ExitCode | undefined {
  return e instanceof RunbookError && (e.exitCode === EXIT.findingsWarning || e.exitCode === EXIT.findingsCritical) ? e.exitCode : undefined;
}

interface RunbookErrorOptions {
  hint?: string;
  cause?: unknown;
  exitCode?: ExitCode;
}

export class RunbookError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: RunbookErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunbookError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT.invalidInput;
  }
}

/** A problem in a file the user wrote: it names the file, line and column. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** Dot path inside the document, e.g. `steps.2.with.node`. */
  path: string;
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}${hint}`;
}

export class ValidationError extends RunbookError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super('E_INVALID', `${errors.length} problem(s) found:\n${diagnostics.map(formatDiagnostic).join('\n')}`, {
      exitCode: EXIT.invalidInput,
    });
    this.name = 'ValidationError';
    this.diagnostics = diagnostics;
  }
}

/** Errors from a cluster or Proxmox API, mapped by the adapters to something we can reason about. */
const API_ERROR_KINDS = [
  'not-found',
  'conflict',
  'too-many-requests',
  'forbidden',
  'unauthorized',
  'invalid',
  'unavailable',
  'node-unreachable',
  'server',
] as const;
export type ApiErrorKind = (typeof API_ERROR_KINDS)[number];

export class ApiError extends RunbookError {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  constructor(kind: ApiErrorKind, message: string, options: RunbookErrorOptions & { status?: number } = {}) {
    super(`E_API_${kind.toUpperCase().replace(/-/g, '_')}`, message, { ...options, exitCode: options.exitCode ?? EXIT.stepFailed });
    this.name = 'ApiError';
    this.kind = kind;
    this.status = options.status;
  }
}

export function isRunbookError(e: unknown): e is RunbookError {
  return e instanceof RunbookError;
}
