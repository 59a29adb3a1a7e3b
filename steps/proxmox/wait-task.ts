// proxmox.wait-task: wait for a Proxmox task by UPID (e.g. the output of another step) until
// it stops; `OK` or `WARNINGS: N` succeed, any other exit status fails with its text.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { duration } from '../schemas.js';
import { pve } from './permissions.js';
import { waitTask } from './pve-polling.js';

/** UPID:node:pid:pstart:starttime:type:id:user: — the node that runs the task is in it. */
function upidNode(upid: string): string | undefined {
  const m = /^UPID:([^:]+):/.exec(upid);
  return m?.[1];
}

const params = z
  .object({ upid: z.string().regex(/^UPID:[^:]+:/, 'must be a Proxmox task id (UPID:node:...)'), pveNode: z.string().optional(), timeout: duration.default(10 * 60_000) })
  .strict();

export const proxmoxWaitTask = defineStep({
  type: 'proxmox.wait-task',
  description: 'Waits (polling every 250 ms) for a Proxmox task to stop; fails with its exit status unless OK or WARNINGS.',
  params,
  outputs: z.object({ exitstatus: z.string() }),
  uses: ['proxmox'],
  destructive: false,
  permissions: [pve(['Sys.Audit'], '/nodes')],
  async plan({ params }) {
    return [{ op: 'noop', target: `pve:${params.pveNode ?? upidNode(params.upid)}/tasks`, summary: `wait for task ${params.upid}` }];
  },
  async apply({ params, adapters, signal }) {
    const node = params.pveNode ?? upidNode(params.upid)!;
    await waitTask(adapters.proxmox, node, params.upid, params.timeout, signal);
    const t = await adapters.proxmox.getTaskStatus(node, params.upid);
    return { outputs: { exitstatus: t.exitstatus ?? '' } };
  },
});
