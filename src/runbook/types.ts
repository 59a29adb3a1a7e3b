// The validated, normalised form of a runbook file: what `loadRunbook()` returns and the
// compiler consumes. Raw `with:` values may still hold `${{ ... }}` expressions; they are
// resolved at run time by `src/runbook/expressions.ts`.

export const API_VERSION = 'runbook.dev/v1' as const;

export const PARAM_TYPES = ['string', 'int', 'bool', 'enum', 'list', 'duration'] as const;
type ParamType = (typeof PARAM_TYPES)[number];

export interface ParamSpec {
  name: string;
  type: ParamType;
  description: string;
  required: boolean;
  default?: unknown;
  /** Regular expression a string (or each list item) must match. */
  pattern?: string;
  /** Allowed values, for `enum`. */
  values?: string[];
  /** Item type, for `list` (default string). */
  items?: 'string' | 'int';
  /** Bounds of an int (or of each int list item). */
  min?: number;
  max?: number;
}

/** What a `retry:` leaves out: first delay 1 s, doubling. */
export const RETRY_DEFAULTS = { backoffMs: 1000, factor: 2 } as const;

export interface RetrySpec {
  attempts: number;
  /** First delay between attempts, ms. */
  backoffMs: number;
  /** Multiplier applied to the delay after each attempt. */
  factor: number;
  /** Ceiling of any one delay, ms (default 100 x backoffMs, as Temporal's maximumInterval). */
  maxBackoffMs?: number;
}

export interface StepCall {
  uses: string;
  with: Record<string, unknown>;
}

export interface StepSpec extends StepCall {
  id: string;
  name?: string;
  needs: string[];
  /** Expression; the step is skipped when it is false. */
  when?: string;
  /** Expression that yields a list; the step runs once per item, `${{ item }}` in `with`. */
  forEach?: string;
  /** Items per batch when fanning out (1 = strictly one at a time). Absent: all at once, bounded by maxParallel. */
  serial?: number;
  maxParallel?: number;
  /** A check run between serial batches; a failure stops the rollout. */
  gate?: StepCall;
  /** Confirmation message; destructive steps get a default one. */
  confirm?: string;
  retry?: RetrySpec;
  timeoutMs?: number;
  continueOnError: boolean;
  /**
   * A group: these steps run in order for each `forEach` item (drain, reconfigure, reboot,
   * wait, uncordon for node 1, then for node 2...). `uses` is GROUP_USES then.
   */
  steps?: StepSpec[];
}

/** The `uses` of a normalised group step; not a step type anyone can write. */
export const GROUP_USES = '(group)';

export interface PreflightSpec extends StepCall {
  id: string;
  name?: string;
}

export interface SourcePosition {
  line: number;
  col: number;
}

export interface RunbookSource {
  file: string;
  /** Text of the file, for digests and for re-reporting. */
  text: string;
  /** Position of every node by dot path (`steps.2.with.node`); see `positionOf`. */
  positions: Map<string, SourcePosition>;
}

export interface Runbook {
  apiVersion: typeof API_VERSION;
  name: string;
  description: string;
  params: ParamSpec[];
  preflight: PreflightSpec[];
  steps: StepSpec[];
  source: RunbookSource;
}

/** Nearest known position for a dot path: walks up to the parent when the exact node has none. */
export function positionOf(source: RunbookSource, path: string): SourcePosition {
  let p = path;
  for (;;) {
    const pos = source.positions.get(p);
    if (pos) return pos;
    if (p === '') return { line: 1, col: 1 };
    const cut = p.lastIndexOf('.');
    p = cut < 0 ? '' : p.slice(0, cut);
  }
}
