// Checks a call's `with:` against the step type's own zod schema at validate time. Values
// that are (or contain) `${{ }}` are only known at run time: issues under them are left to
// the engine, which re-checks the interpolated params before apply.
import { z } from '../zod.js';
import type { StepDefinition } from '../step/define-step.js';
import { didYouMean } from '../suggest.js';
import { DURATION_FORMAT, unitlessMessage } from './duration.js';
import { scanTemplates } from './expressions.js';
import type { Problem } from './schema-issues.js';

/** The object shape behind a step's params schema, when it has one (possibly under refinements). */
function paramShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: unknown = schema;
  for (let i = 0; i < 5 && s; i++) {
    if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
    if (s instanceof z.ZodPipe) s = s.in;
    else return undefined;
  }
  return undefined;
}

/** True for a step param declared as a duration (steps/schemas.ts), under .default()/.optional(). */
function isDuration(t: z.ZodType): boolean {
  let s: z.ZodType = t;
  for (let i = 0; i < 5 && (s instanceof z.ZodDefault || s instanceof z.ZodOptional); i++) s = s.unwrap() as z.ZodType;
  return s.meta()?.format === DURATION_FORMAT;
}

function requiredKeys(shape: Record<string, z.ZodType>): string[] {
  return Object.entries(shape)
    .filter(([, t]) => !t.safeParse(undefined).success)
    .map(([k]) => k);
}

export function checkStepParams(def: StepDefinition, withBlock: Record<string, unknown>, basePath: string): Problem[] {
  const problems: Problem[] = [];
  const shape = paramShape(def.params);
  let required: string[] = [];
  const dynamic = new Set(scanTemplates(withBlock).map((s) => s.path.split('.')[0]!));
  if (shape) {
    const known = Object.keys(shape);
    for (const key of Object.keys(withBlock)) {
      if (!(key in shape)) {
        problems.push({
          path: `${basePath}.${key}`,
          message: `${def.type} has no parameter \`${key}\``,
          hint: didYouMean(key, known) ?? (known.length ? `its parameters: ${known.join(', ')}` : 'it takes no parameters'),
        });
      }
    }
    // The schema takes numbers (a duration param's milliseconds, through `${{ }}`); written
    // in the file, a number other than 0 is a duration without a unit.
    for (const [key, v] of Object.entries(withBlock)) {
      if (typeof v === 'number' && v !== 0 && shape[key] && isDuration(shape[key])) problems.push({ path: `${basePath}.${key}`, message: `${def.type} parameter \`${key}\`: ${unitlessMessage(v)}` });
    }
    required = requiredKeys(shape);
    for (const key of required) {
      if (!(key in withBlock)) problems.push({ path: basePath, message: `${def.type} needs parameter \`${key}\``, hint: `add \`${key}:\` under \`with:\`` });
    }
  }
  const parsed = def.params.safeParse(withBlock);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const first = issue.path[0];
      if (first === undefined) continue; // whole-object issues are covered above or need run-time values
      if (dynamic.has(String(first))) continue;
      const key = String(first);
      if (shape && (!(key in shape) || (!(key in withBlock) && required.includes(key)))) continue; // reported above
      problems.push({ path: `${basePath}.${issue.path.join('.')}`, message: `${def.type} parameter \`${issue.path.join('.')}\`: ${issue.message.replace(/^Invalid input: /, '')}` });
    }
  }
  return problems;
}
