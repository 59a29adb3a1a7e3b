// The step contract (DESIGN section 3). A step type is data plus five small functions;
// the engine owns ordering, retries, timeouts, confirmation, the journal and rollback.
import type { z } from '../zod.js';
import type { AdapterName, KubeObject, ReadAdapters, WriteAdapters } from '../adapters/ports.js';

const CHANGE_OPS = ['noop', 'create', 'update', 'delete', 'action'] as const;
type ChangeOp = (typeof CHANGE_OPS)[number];

/** One change a step would make, as `plan()` reports it and `runbook plan` prints it. */
export interface PlannedChange {
  op: ChangeOp;
  /** What is changed, e.g. `node/k3s-replica-2` or `pve:pve1/qemu/104`. */
  target: string;
  summary: string;
  before?: unknown;
  after?: unknown;
}

/** Result of a read-only check. Failures are data, not exceptions (Pulumi's `check`). */
export interface CheckResult {
  ok: boolean;
  message: string;
  hint?: string;
}

export type Permission =
  | { kind: 'kube'; apiGroup: string; resource: string; verbs: readonly string[] }
  | { kind: 'proxmox'; path: string; privileges: readonly string[] };

/** A full copy of an object a step is about to delete or replace: journaled before the write. */
export interface SavedObject {
  source: 'kube' | 'proxmox' | 'file';
  /** e.g. `v1/PersistentVolume/pvc-123` or `pve1/qemu/104/config` or a file path. */
  ref: string;
  object: KubeObject | Record<string, unknown> | string;
}

interface StepIO<P> {
  params: P;
  runId: string;
  stepId: string;
  signal: AbortSignal;
  log(message: string): void;
}

/** What an earlier step instance of the same run plans to do. */
export interface PlannedStep {
  key: string;
  uses: string;
  changes: readonly PlannedChange[];
}

export interface ReadContext<P, A extends AdapterName> extends StepIO<P> {
  adapters: Pick<ReadAdapters, A>;
  /**
   * In `plan()` only: what the instances planned before this one will change, in order. A step
   * whose effect depends on an earlier one (a reboot that applies set-memory's pending change)
   * plans what it will really do, not what today's cluster alone would make it do.
   */
  planned?: readonly PlannedStep[];
}

export interface ApplyContext<P, A extends AdapterName> extends StepIO<P> {
  adapters: Pick<WriteAdapters, A>;
  /** Journal (fsync'd) a full copy of an object before deleting or replacing it. */
  saveObject(saved: SavedObject): Promise<void>;
  /**
   * Journal the undo data of what this apply has done so far. If apply then fails, the engine
   * rolls back from the last checkpoint, so a step that fails half-way leaves nothing behind.
   */
  checkpoint(undo: unknown): Promise<void>;
}

interface VerifyContext<P, O, A extends AdapterName> extends ReadContext<P, A> {
  outputs: O;
}

interface ApplyResult<O, U> {
  outputs?: O;
  /** JSON data that `rollback()` needs; journaled before the next step starts. */
  undo?: U;
}

export interface StepDefinition<P = any, O = any, U = any, A extends AdapterName = AdapterName> {
  type: string;
  description: string;
  params: z.ZodType<P>;
  /** Object schema of the outputs: its keys are the names `${{ steps.x.outputs.NAME }}` may use. */
  outputs?: z.ZodObject<any>;
  uses: readonly A[];
  /** Destructive steps need confirmation (prompt or --yes). */
  destructive: boolean | ((params: P) => boolean);
  /**
   * True (or true for these params) when the step cannot be undone: a rollback keeps it, says
   * so, and finishes; the plan and the confirmation name it.
   */
  irreversible?: boolean | ((params: P) => boolean);
  /**
   * Set (to the reason) when, once this step has started changing things, undoing the run would
   * restore the broken state it repairs: a rollback stops here, keeping this step and every
   * earlier one (docs/decisions.md, "point of no return"). The confirmation names it.
   */
  pointOfNoReturn?: string;
  /**
   * True when `apply` only reads (a lookup such as "which nodes still balloon"): the planner
   * runs it with read-only adapters so the steps that depend on its outputs can be planned.
   */
  readOnly?: boolean;
  permissions: readonly Permission[] | ((params: P) => readonly Permission[]);
  /**
   * Params holding shell text: their `${{ }}` are never spliced in as code. The engine rewrites
   * each into a quoted variable reference and passes the values in `params.env` (see
   * src/runbook/shell-templates.ts).
   */
  shellText?: readonly string[];
  /** Param keys still accepted under an old name (old key -> new key): validate warns for each. */
  renamedParams?: Readonly<Record<string, string>>;
  preflight?(ctx: ReadContext<P, A>): Promise<CheckResult[]>;
  plan(ctx: ReadContext<P, A>): Promise<PlannedChange[]>;
  apply(ctx: ApplyContext<P, A>): Promise<ApplyResult<O, U>>;
  verify?(ctx: VerifyContext<P, O, A>): Promise<CheckResult[]>;
  rollback?(ctx: ApplyContext<P, A>, undo: U): Promise<void>;
}

/** Declares a step type; the identity function that gives the definition its types. */
export function defineStep<P, O = Record<string, never>, U = undefined, A extends AdapterName = never>(
  def: StepDefinition<P, O, U, A>,
): StepDefinition<P, O, U, A> {
  if (!/^[a-z][a-z0-9]*\.[a-z][a-z0-9-]*$/.test(def.type)) {
    throw new Error(`step type "${def.type}" must look like "family.verb-noun"`);
  }
  return def;
}

export function isDestructive<P>(def: StepDefinition<P>, params: P): boolean {
  return typeof def.destructive === 'function' ? def.destructive(params) : def.destructive;
}

/** `params` undefined: not known yet (a deferred step); a params-dependent answer waits for them. */
export function isIrreversible<P>(def: StepDefinition<P>, params: P | undefined): boolean {
  if (typeof def.irreversible === 'function') return params !== undefined && def.irreversible(params);
  return Boolean(def.irreversible);
}

/** Why a rollback would leave this step as it is (irreversible, or the run's point of no return); undefined when it undoes it. */
export function cannotUndoReason<P>(def: StepDefinition<P>, params: P | undefined): string | undefined {
  if (def.pointOfNoReturn) return `point of no return: ${def.pointOfNoReturn}; a rollback keeps it and every step before it`;
  return isIrreversible(def, params) ? 'irreversible: a rollback cannot undo it' : undefined;
}

export function permissionsOf<P>(def: StepDefinition<P>, params: P): readonly Permission[] {
  return typeof def.permissions === 'function' ? def.permissions(params) : def.permissions;
}

/** Looks step types up by name; injected into the validator, compiler and engine. */
export interface StepRegistry {
  get(type: string): StepDefinition | undefined;
  types(): string[];
}

export function createRegistry(definitions: readonly StepDefinition[]): StepRegistry {
  const byType = new Map<string, StepDefinition>();
  for (const d of definitions) {
    if (byType.has(d.type)) throw new Error(`step type "${d.type}" is defined twice`);
    byType.set(d.type, d);
  }
  return { get: (t) => byType.get(t), types: () => [...byType.keys()].sort() };
}
