// proxmox.assert-memory-fits: the preflight of fix-ballooning. Without ballooning every VM
// holds its full memory, so per Proxmox host the running VMs' memory after the change must fit
// the host's RAM less a reserve for the host itself. If not, it refuses and names the largest
// size that fits (the incident settled on 2048 MiB instead of 4096 for this reason).
import { z } from '../../src/zod.js';
import type { CheckResult } from '../../src/step/define-step.js';
import { defineStep } from '../../src/step/define-step.js';
import { nodeName } from '../schemas.js';
import { memorySettings } from '../../src/proxmox-memory.js';
import { whyUnlisted } from './find-vm.js';
import { pve } from './permissions.js';

const MiB = 2 ** 20;
const STEP = 256; // propose sizes in 256 MiB steps, as people size VMs

/**
 * Why the token may not see every VM, or undefined: VM.Audit must propagate from /vms, and no ACL
 * on a single VM may take it away (a path with no privilege at all, NoAccess, is not listed by
 * PVE; that case stays invisible here).
 */
function vmsNotAudited(permissions: Record<string, Record<string, number>>): string | undefined {
  if (permissions['/vms']?.['VM.Audit'] !== 1) return 'no VM.Audit on /vms, propagated';
  const narrowed = Object.keys(permissions).filter((path) => path.startsWith('/vms/') && permissions[path]!['VM.Audit'] === undefined);
  return narrowed.length ? `no VM.Audit on ${narrowed.join(', ')}` : undefined;
}

export const proxmoxAssertMemoryFits = defineStep({
  type: 'proxmox.assert-memory-fits',
  description: 'Checks that giving these nodes\' VMs fixed memory still fits each Proxmox host (RAM less a reserve); names the largest size that fits.',
  params: z.object({ nodes: z.array(nodeName).min(1), memory: z.number().int().positive(), reserveMiB: z.number().int().nonnegative().default(1024) }).strict(),
  uses: ['proxmox'],
  destructive: false,
  permissions: [pve(['VM.Audit'], '/vms'), pve(['Sys.Audit'], '/nodes')],
  async preflight({ params, adapters }) {
    const [vms, permissions] = await Promise.all([adapters.proxmox.listVms(), adapters.proxmox.getPermissions()]);
    const missing = params.nodes.filter((n) => !vms.some((v) => v.name === n));
    // Unlisted is not absent: requireVm asks for the inventory's VM, so PVE says why (403...).
    const results: CheckResult[] = await Promise.all(missing.map(async (n) => ({ ok: false, message: await whyUnlisted(adapters.proxmox, n), hint: 'map it in an inventory file (--inventory)' })));
    // /cluster/resources leaves out every VM the token may not audit: their memory would not be
    // counted and an overcommitted host would pass. Refuse to judge unless it may audit them all.
    const blind = vmsNotAudited(permissions);
    if (blind) {
      results.push({ ok: false, message: `cannot tell whether the memory fits: this token may not audit every VM (${blind}), and the VMs it cannot see would not be counted`, hint: 'grant VM.Audit on /vms with propagation (`runbook rbac fix-ballooning` prints the roles)' });
      return results;
    }
    for (const host of [...new Set(vms.filter((v) => params.nodes.includes(v.name)).map((v) => v.node))]) {
      const onHost = vms.filter((v) => v.node === host && (v.status === 'running' || params.nodes.includes(v.name)));
      let others = 0;
      for (const vm of onHost) if (!params.nodes.includes(vm.name)) others += memorySettings(await adapters.proxmox.getVmConfig(host, vm.vmid)).memory;
      const changed = onHost.filter((v) => params.nodes.includes(v.name)).length;
      const total = Math.floor((await adapters.proxmox.getNodeStatus(host)).memoryTotal / MiB);
      const budget = total - params.reserveMiB;
      const needed = others + changed * params.memory;
      if (needed <= budget) {
        results.push({ ok: true, message: `PVE host ${host}: ${needed} MiB for its VMs fits ${total} MiB less a ${params.reserveMiB} MiB reserve` });
        continue;
      }
      const fits = Math.floor((budget - others) / changed / STEP) * STEP;
      results.push({
        ok: false,
        message: `PVE host ${host}: ${changed} VM(s) x ${params.memory} MiB + ${others} MiB for the others = ${needed} MiB, more than its ${total} MiB less a ${params.reserveMiB} MiB reserve`,
        hint: fits >= 1024 ? `the largest size that fits is --memory ${fits}` : 'it does not fit at any sensible size: move or stop a VM, or add memory to the host',
      });
    }
    return results;
  },
  async plan({ params }) {
    return [{ op: 'noop', target: `pve:${params.nodes.join(',')}`, summary: `checks that ${params.memory} MiB each fits` }];
  },
  async apply() {
    return {};
  },
});
