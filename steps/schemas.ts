// Zod building blocks shared by step param schemas.
import { z } from 'zod';
import { parseDuration } from '../src/runbook/duration.js';

/** A duration as `30s`, `5m`, `1h30m` or milliseconds; parsed to milliseconds. */
export const duration = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  try {
    return parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    return z.NEVER;
  }
});

export const nodeName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes node name (lowercase RFC 1123)');

/** Which object a generic step acts on: `apiVersion` (default v1), `kind`, `namespace`, `name`. */
export const objectRefShape = {
  apiVersion: z.string().default('v1'),
  kind: z.string().min(1),
  namespace: z.string().optional(),
  name: z.string().min(1),
};
