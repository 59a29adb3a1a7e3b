// Waiting for a Proxmox task (UPID) until it stops; `OK` or `WARNINGS: N` is success, anything
// else is the task's error (as pve-manager's Tasks.pm reports exitstatus). A Proxmox outage
// during a wait is waited out, within the wait's own deadline.
import type { ProxmoxReader } from '../../src/adapters/ports.js';
import { readWhileWaiting, sleep } from '../../src/engine/retry.js';

/**
 * PVE offers no watch for a task or a VM's state (only GET .../tasks/{upid}/status and
 * .../status/current), so we poll at a steady short interval: a backoff up to seconds noticed a
 * 2 s task at 3.1 s, and fix-ballooning waits for one per VM. One small GET per VM waited on.
 */
const PVE_POLL_MS = 250;

export function taskSucceeded(exitstatus: string | undefined): boolean {
  return exitstatus === 'OK' || /^WARNINGS: \d+$/.test(exitstatus ?? '');
}

export async function waitTask(proxmox: ProxmoxReader, pveNode: string, upid: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await readWhileWaiting(() => proxmox.getTaskStatus(pveNode, upid), deadline, signal);
    if (t.status === 'stopped') {
      if (taskSucceeded(t.exitstatus)) return;
      throw new Error(`Proxmox task ${upid} failed: ${t.exitstatus ?? 'no exit status'}`);
    }
    if (Date.now() + PVE_POLL_MS > deadline) throw new Error(`Proxmox task ${upid} still running after ${Math.round(timeoutMs / 1000)}s`);
    await sleep(PVE_POLL_MS, signal);
  }
}

/** `qmpstatus` is QEMU's own view (a VM can be `running` but `paused`, `prelaunch`,
 * `inmigrate`); adapters that report it are held to it, the others to `status`. */
type VmState = { status: string; qmpstatus?: string };

function vmRunning(s: VmState): boolean {
  return s.status === 'running' && (s.qmpstatus === undefined || s.qmpstatus === 'running');
}

export function describeVmState(s: VmState): string {
  return s.qmpstatus !== undefined && s.qmpstatus !== s.status ? `${s.status} (qmp: ${s.qmpstatus})` : s.status;
}

/** Polls until the VM runs or `ms` passed; whether it runs. 0: ask once. */
export async function vmRunningWithin(proxmox: ProxmoxReader, pveNode: string, vmid: number, ms: number, signal: AbortSignal): Promise<boolean> {
  return (await pollVm(proxmox, pveNode, vmid, ms, signal)).running;
}

async function pollVm(proxmox: ProxmoxReader, pveNode: string, vmid: number, ms: number, signal: AbortSignal): Promise<{ running: boolean; last: VmState }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await readWhileWaiting(() => proxmox.getVmStatus(pveNode, vmid), deadline, signal);
    if (vmRunning(s)) return { running: true, last: s };
    if (Date.now() + PVE_POLL_MS > deadline) return { running: false, last: s };
    await sleep(PVE_POLL_MS, signal);
  }
}

export async function waitVmRunning(proxmox: ProxmoxReader, pveNode: string, vmid: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const { running, last } = await pollVm(proxmox, pveNode, vmid, timeoutMs, signal);
  if (!running) throw new Error(`VM ${vmid} is ${describeVmState(last)} after ${Math.round(timeoutMs / 1000)}s`);
}
