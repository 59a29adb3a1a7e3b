// core.assert: a condition (usually an expression over params or earlier outputs) that must
// hold. Under `preflight:` it stops the run before any change; as a step it stops the rollout.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';

const params = z.object({ that: z.boolean(), message: z.string().min(1) }).strict();

export const coreAssert = defineStep({
  type: 'core.assert',
  description: 'Fails unless `that` is true; `message` says what was expected.',
  params,
  uses: [],
  destructive: false,
  permissions: [],
  async preflight({ params }) {
    return [{ ok: params.that, message: params.message }];
  },
  async plan({ params }) {
    return [{ op: 'noop', target: 'assertion', summary: `assert: ${params.message}` }];
  },
  async apply({ params }) {
    if (!params.that) throw new Error(`assertion failed: ${params.message}`);
    return {};
  },
});
