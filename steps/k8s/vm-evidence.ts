// Is a dead node's VM really gone or stopped? Only positive evidence counts:
// - listed and stopped: PVE says so;
// - not listed, and the inventory's VM of the node reads "does not exist" from its config;
// - the user's explicit word (--vm-gone).
// Not being listed is no evidence: a token without VM.Audit on the VM does not see it, and
// PVE drops the name (so name matching fails) once the VM's node has not reported for 5
// minutes (pve-manager PVE/API2/Cluster.pm resources, PVE/API2Tools.pm extract_vm_stats,
// pve-cluster src/pmxcfs/status.c rrd_entry_is_old). A refusal (403) or an unreachable node
// (595) fails the check in PVE's own words.
import type { ProxmoxReader } from '../../src/adapters/ports.js';
import type { CheckResult } from '../../src/step/define-step.js';
import { findVm, probeUnlistedVm } from '../proxmox/find-vm.js';

const GONE_HINT = 'map the node in an inventory file (its VM is then asked for directly), or pass --vm-gone if you know the VM was deleted';

export async function vmDeadCheck(proxmox: ProxmoxReader, nodeName: string, userSaysGone: boolean): Promise<CheckResult> {
  const vm = await findVm(proxmox, nodeName);
  if (vm?.status === 'running') return { ok: false, message: `its VM ${vm.vmid} on ${vm.node} is still running`, hint: 'a running VM may come back: stop it in Proxmox first, or investigate why the kubelet is down' };
  if (vm?.status === 'stopped') return { ok: true, message: `its VM ${vm.vmid} is stopped` };
  if (userSaysGone) return { ok: true, message: vm ? `its VM ${vm.vmid} is ${vm.status}; gone on your word (--vm-gone)` : `no VM of ${nodeName} is listed; gone on your word (--vm-gone)` };
  if (vm) return { ok: false, message: `its VM ${vm.vmid} on ${vm.node} is ${vm.status}: that PVE node has not reported for 5 minutes, the VM may still run`, hint: 'check that PVE host, or pass --vm-gone if you know the VM is gone' };
  let probe;
  try {
    probe = await probeUnlistedVm(proxmox, nodeName);
  } catch (e) {
    return { ok: false, message: `cannot tell whether the VM of ${nodeName} is gone: ${(e as Error).message}`, hint: GONE_HINT };
  }
  switch (probe.kind) {
    case 'gone':
      return { ok: true, message: `its VM ${probe.vmid} does not exist any more (${probe.message})` };
    case 'exists':
      return { ok: false, message: `its VM ${probe.vmid} still exists on ${probe.node} but is not listed: its node has not reported for 5 minutes, the VM may still run`, hint: 'check that PVE host, or pass --vm-gone if you know the VM is gone' };
    case 'no-pve-node':
      return { ok: false, message: `the inventory maps ${nodeName} to VM ${probe.vmid} without its PVE node: cannot ask Proxmox about it`, hint: 'add `node:` to its inventory entry, or pass --vm-gone' };
    default:
      return { ok: false, message: `no Proxmox VM named ${nodeName} is listed, which does not prove it is gone (a token without VM.Audit on it does not see it; PVE drops the name of VMs on a node silent for 5 minutes)`, hint: GONE_HINT };
  }
}
