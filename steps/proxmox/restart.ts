// Rebooting a VM the way Proxmox VE does it, and making sure it runs again afterwards.
// qemu-server src/PVE/QemuServer.pm vm_reboot is a shutdown (_do_vm_stop with $shutdown): the
// qmreboot task ends once QEMU exited, or dies "VM quit/powerdown failed - got timeout" when
// the guest did not power off within `timeout` (60 s by default; the VM keeps running and
// nothing pending applies). The start is qmeventd's: `qm cleanup` (src/PVE/CLI/qm.pm) calls
// vm_start as root@pam, a separate qmstart task a token without Sys.Audit cannot read, and it
// may fail. So after the reboot task we wait for the VM to run; if Proxmox has not started it
// within the grace, we start it ourselves (ours dies "already running" if theirs got there
// first, which is fine) and report our start's error if that fails too. Starting earlier would
// race `qm cleanup`, which then finds a running VM and never clears the reboot request.
import type { ProxmoxWriter } from '../../src/adapters/ports.js';
import { taskSucceeded, vmRunningWithin, waitTask, waitVmRunning } from './pve-polling.js';

interface RebootOptions {
  /** the whole reboot, start included */
  timeoutMs: number;
  /** how long PVE waits for the guest to power off (its `timeout`, seconds); PVE's default when absent */
  shutdownTimeoutMs?: number;
  /** how long Proxmox (qmeventd) gets to start the VM again before we start it */
  startGraceMs: number;
  signal: AbortSignal;
}

export const DEFAULT_START_GRACE_MS = 60_000;

/** Starts a stopped VM and waits until it runs; a start that fails is reported with its reason. */
async function startAndWait(proxmox: ProxmoxWriter, pveNode: string, vmid: number, timeoutMs: number, signal: AbortSignal, why: string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const upid = await proxmox.vmAction(pveNode, vmid, 'start');
  try {
    await waitTask(proxmox, pveNode, upid, timeoutMs, signal);
  } catch (e) {
    if (signal.aborted) throw e;
    // "VM N already running": someone (qmeventd) started it meanwhile, which is what we wanted.
    if (!(await vmRunningWithin(proxmox, pveNode, vmid, 0, signal))) {
      const status = await proxmox.getTaskStatus(pveNode, upid).catch(() => undefined);
      const reason = status && !taskSucceeded(status.exitstatus) && status.exitstatus ? status.exitstatus : (e as Error).message;
      throw new Error(`VM ${vmid} is stopped ${why}, and starting it failed: ${reason}. Start it (qm start ${vmid}) once the cause is fixed.`, { cause: e });
    }
  }
  await waitVmRunning(proxmox, pveNode, vmid, Math.max(0, deadline - Date.now()), signal);
  return upid;
}

/** Reboots a running VM (a stopped one is started) and returns once it runs again. */
export async function rebootAndWait(proxmox: ProxmoxWriter, pveNode: string, vmid: number, o: RebootOptions): Promise<string> {
  const deadline = Date.now() + o.timeoutMs;
  const left = () => Math.max(0, deadline - Date.now());
  if ((await proxmox.getVmStatus(pveNode, vmid)).status !== 'running') return startAndWait(proxmox, pveNode, vmid, o.timeoutMs, o.signal, 'instead of rebooted');
  const timeout = o.shutdownTimeoutMs === undefined ? undefined : Math.ceil(o.shutdownTimeoutMs / 1000);
  const upid = await proxmox.vmAction(pveNode, vmid, 'reboot', timeout === undefined ? undefined : { timeout });
  try {
    await waitTask(proxmox, pveNode, upid, left(), o.signal);
  } catch (e) {
    if (o.signal.aborted) throw e; // interrupted: the engine's rollback makes sure it runs
    // A failed shutdown leaves the VM running (nothing applied); anything else must not leave it off.
    if ((await proxmox.getVmStatus(pveNode, vmid)).status === 'running') {
      throw new Error(`${(e as Error).message}: VM ${vmid} still runs and its pending changes are not applied (a guest slower than the shutdown timeout, or one ignoring ACPI, fails a reboot; raise shutdownTimeout)`, { cause: e });
    }
    await startAndWait(proxmox, pveNode, vmid, left(), o.signal, 'after a failed reboot');
    throw e;
  }
  if (!(await vmRunningWithin(proxmox, pveNode, vmid, Math.min(o.startGraceMs, left()), o.signal))) {
    await startAndWait(proxmox, pveNode, vmid, left(), o.signal, `after its reboot (Proxmox did not start it again within ${o.startGraceMs / 1000}s)`);
  }
  return upid;
}

/**
 * Rollback of a reboot: a VM left stopped is started; a running one is left alone. A reboot
 * interrupted between its stop and Proxmox's start gets the same grace first.
 */
export async function ensureRunning(proxmox: ProxmoxWriter, pveNode: string, vmid: number, o: Omit<RebootOptions, 'shutdownTimeoutMs'>): Promise<void> {
  if (await vmRunningWithin(proxmox, pveNode, vmid, Math.min(o.startGraceMs, o.timeoutMs), o.signal)) return;
  await startAndWait(proxmox, pveNode, vmid, o.timeoutMs, o.signal, `after an interrupted reboot (Proxmox did not start it within ${o.startGraceMs / 1000}s)`);
}
