// The runbook file's schema: one zod definition that validates documents and, through
// `z.toJSONSchema`, produces schema/runbook.schema.json for editors (`npm run schema`;
// test/runbook/schema-sync.test.ts keeps the committed file in sync).
import { z } from '../zod.js';
import { parseWaitDuration } from './duration.js';
import { API_VERSION, PARAM_TYPES } from './types.js';

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const STEP_ID_PATTERN = /^[a-z][a-z0-9]*([-_][a-z0-9]+)*$/;
const DURATION_PATTERN = /^\s*(\d+|(\d+(\.\d+)?(ms|s|m|h|d))+)\s*$/;

const kebabName = (what: string) =>
  z.string().regex(NAME_PATTERN, `${what} must be kebab-case: lowercase letters, digits and single dashes (e.g. purge-dead-node)`);
const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(DURATION_PATTERN, 'must be a duration such as 30s, 5m or 1h30m')])
  // A unit is required (only 0 goes without) and a timer waits at most ~24.8 days.
  .superRefine((v, ctx) => {
    if (typeof v === 'string' && !DURATION_PATTERN.test(v)) return; // the regex said why
    try { parseWaitDuration(v); } catch (e) { ctx.addIssue({ code: 'custom', message: (e as Error).message }); }
  })
  .meta({ description: 'A duration with a unit: `500ms`, `30s`, `5m`, `1h30m`, `2d` (at most 24d20h31m23.647s); `0` for none.' });
const expression = z.string().min(1).meta({ description: 'An expression, bare or wrapped in ${{ }}: `params.force`, `steps.find.outputs.nodes`.' });
const withBlock = z.record(z.string(), z.unknown()).meta({ description: "The step type's parameters; strings may hold ${{ }} expressions." });

export const paramSchema = z
  .object({
    type: z.enum(PARAM_TYPES).meta({ description: 'string, int, bool, enum, list or duration' }),
    description: z.string().min(1),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    pattern: z.string().optional().meta({ description: 'Regular expression a string (or each list item) must match.' }),
    values: z.array(z.string()).min(1).optional().meta({ description: 'Allowed values of an enum.' }),
    items: z.enum(['string', 'int']).optional().meta({ description: 'Item type of a list (default string).' }),
    min: z.number().int().optional().meta({ description: 'Smallest value of an int (or of each int list item).' }),
    max: z.number().int().optional().meta({ description: 'Largest value of an int (or of each int list item).' }),
  })
  .strict();

const callShape = {
  uses: z.string().min(1).meta({ description: 'Step type, e.g. `k8s.delete-node` (see `runbook describe --steps`).' }),
  with: withBlock.optional(),
};

export const gateSchema = z.object(callShape).strict();

export const preflightSchema = z
  .object({ id: z.string().regex(STEP_ID_PATTERN, 'step ids are lowercase words joined by - or _'), name: z.string().optional(), ...callShape })
  .strict();

export const retrySchema = z
  .object({
    attempts: z.number().int().min(1).max(100),
    backoff: duration.optional().meta({ description: 'Delay before the second attempt (default 1s).' }),
    factor: z.number().min(1).max(10).optional().meta({ description: 'Multiplier for each following delay (default 2).' }),
    maxBackoff: duration.optional().meta({ description: 'Longest delay between two attempts (default 100 x backoff).' }),
  })
  .strict();

const stepId = z.string().regex(STEP_ID_PATTERN, 'step ids are lowercase words joined by - or _');
const commonStepFields = {
  id: stepId,
  name: z.string().optional(),
  with: withBlock.optional(),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  when: z.union([expression, z.boolean()]).optional(),
  confirm: z.string().min(1).optional().meta({ description: 'Confirmation message asked before this step.' }),
  retry: retrySchema.optional(),
  timeout: duration.optional(),
  continueOnError: z.boolean().optional(),
};

/** A step inside a group: runs once per item of the group's `forEach`, in `needs` order. */
export const groupedStepSchema = z.object({ ...commonStepFields, uses: callShape.uses }).strict();

export const stepSchema = z
  .object({
    ...commonStepFields,
    uses: callShape.uses.optional(),
    forEach: expression.optional().meta({ description: 'A list to fan out over; `${{ item }}` is the current element.' }),
    serial: z.number().int().min(1).optional().meta({ description: 'Items per batch (rolling); batches run one after another.' }),
    maxParallel: z.number().int().min(1).optional(),
    gate: gateSchema.optional().meta({ description: 'A check between serial batches; a failure stops the rollout.' }),
    steps: z
      .array(groupedStepSchema)
      .min(1)
      .optional()
      .meta({ description: 'A group: these steps run in order for each forEach item (instead of `uses`). A failure rolls back the failing item only; items already done stay done.' }),
  })
  .strict();

export const runbookSchema = z
  .object({
    apiVersion: z.literal(API_VERSION),
    name: kebabName('name'),
    description: z.string().min(1),
    params: z.record(z.string(), paramSchema).optional(),
    preflight: z.array(preflightSchema).optional(),
    steps: z.array(stepSchema).min(1, 'a runbook needs at least one step'),
  })
  .strict()
  .meta({ title: 'runbook', description: 'A runbook for the `runbook` engine (https://www.npmjs.com/package/runbook).' });

export type RawRunbook = z.infer<typeof runbookSchema>;
export type RawStep = z.infer<typeof stepSchema>;
export type RawGroupedStep = z.infer<typeof groupedStepSchema>;

/** The JSON Schema editors use through `# yaml-language-server: $schema=...`. */
export function runbookJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(runbookSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
}
