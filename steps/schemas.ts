// Zod building blocks shared by step param schemas.
import { z } from '../src/zod.js';
import { checkWaitable, DURATION_FORMAT, parseWaitDuration } from '../src/runbook/duration.js';

/**
 * A duration as `30s`, `5m`, `1h30m`; parsed to milliseconds, at most a timer's ~24.8 days.
 * A number is milliseconds already (a duration param's value, through `${{ }}`); `validate`
 * refuses a number other than 0 written in `with:` (src/runbook/step-params-check.ts).
 */
export const duration = z
  .union([z.number().int().nonnegative(), z.string()])
  .transform((v, ctx) => {
    try {
      return typeof v === 'number' ? checkWaitable(v) : parseWaitDuration(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
      return z.NEVER;
    }
  })
  .meta({ format: DURATION_FORMAT });

export const nodeName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes node name (lowercase RFC 1123)');

/** Which object a generic step acts on: `apiVersion` (default v1), `kind`, `namespace`, `name`. */
export const objectRefShape = {
  apiVersion: z.string().default('v1'),
  kind: z.string().min(1),
  namespace: z.string().optional(),
  name: z.string().min(1),
};
