// core.wait: pause, e.g. to let a controller settle between two steps.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { sleep } from '../../src/engine/retry.js';
import { formatDuration } from '../../src/runbook/duration.js';
import { duration } from '../schemas.js';

export const coreWait = defineStep({
  type: 'core.wait',
  description: 'Waits for a fixed duration (cancellable).',
  params: z.object({ duration, reason: z.string().optional() }).strict(),
  uses: [],
  destructive: false,
  permissions: [],
  async plan({ params }) {
    return [{ op: 'noop', target: 'clock', summary: `wait ${formatDuration(params.duration)}${params.reason ? `: ${params.reason}` : ''}` }];
  },
  async apply({ params, signal }) {
    await sleep(params.duration, signal);
    return {};
  },
});
