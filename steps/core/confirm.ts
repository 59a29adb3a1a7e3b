// core.confirm: an explicit checkpoint. Destructive by declaration, so the engine asks
// (or requires --yes) before going past it; it changes nothing itself.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';

export const coreConfirm = defineStep({
  type: 'core.confirm',
  description: 'Asks the operator to confirm before the run continues (needs --yes without a terminal).',
  params: z.object({ message: z.string().min(1) }).strict(),
  uses: [],
  destructive: true,
  permissions: [],
  async plan({ params }) {
    return [{ op: 'action', target: 'operator', summary: `confirm: ${params.message}` }];
  },
  async apply() {
    return {};
  },
});
