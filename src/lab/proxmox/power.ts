// What each simulated worker task does, step by step (qemu-server PVE/QemuServer.pm):
// - qmstart: vm_start checks the lock and dies "VM N already running" inside the task, then
//   applies pending changes before QEMU starts (vm_start_nolock -> vmconfig_apply_pending);
// - qmstop / qmshutdown: _do_vm_stop returns at once (task OK) when the VM is not running,
//   checks the lock, and vm_stop_cleanup applies pending changes;
// - qmreboot: vm_reboot = shutdown (pending applied) then started again (qmeventd).
// - qmconfig: the asynchronous config update ($update_vm_api's $updatefn).
// Each step may throw (the task ends with that text as exitstatus) or return true (done, OK).
import { fail } from './errors.js';
import type { ProxmoxState, SimVm } from './state.js';
import type { TaskRecord } from './tasks.js';
import { applyPending, applyUpdate, parseUpdate } from './vm-config.js';

export interface TaskStep {
  afterSeconds: number;
  run: () => boolean | void;
}

/** PVE::AbstractConfig::load_config on the task's node */
export function loadVm(state: ProxmoxState, node: string, vmid: number): SimVm {
  const vm = state.vm(vmid);
  if (!vm || vm.node !== node) throw fail(`Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
  return vm;
}

function checkLock(vm: SimVm): void {
  if (vm.lock) throw fail(`VM is locked (${vm.lock})`);
}

function setStopped(state: ProxmoxState, vm: SimVm): void {
  vm.status = 'stopped';
  delete vm.uptimeStartedAt;
  applyPending(vm);
  state.changed(vm);
}

function setRunning(state: ProxmoxState, vm: SimVm): void {
  applyPending(vm);
  vm.status = 'running';
  vm.uptimeStartedAt = Date.now();
  state.changed(vm);
}

export function planTask(state: ProxmoxState, task: TaskRecord): TaskStep[] {
  const vmid = Number(task.id);
  const load = () => loadVm(state, task.node, vmid);
  const secs = state.rebootSeconds;
  switch (task.type) {
    case 'qmstart':
      return [
        { afterSeconds: 0, run: () => {
          const vm = load();
          checkLock(vm);
          if (vm.status === 'running') throw fail(`VM ${vmid} already running`);
        } },
        { afterSeconds: secs, run: () => setRunning(state, load()) },
      ];
    case 'qmstop':
    case 'qmshutdown':
      return [
        { afterSeconds: 0, run: () => {
          const vm = load();
          if (vm.status !== 'running') return true;
          checkLock(vm);
        } },
        { afterSeconds: secs, run: () => setStopped(state, load()) },
      ];
    case 'qmreboot':
      return [
        { afterSeconds: 0, run: () => {
          const vm = load();
          if (vm.status !== 'running') return true;
          checkLock(vm);
        } },
        { afterSeconds: secs / 2, run: () => setStopped(state, load()) },
        { afterSeconds: secs / 2, run: () => setRunning(state, load()) },
      ];
    case 'qmconfig':
      return [
        { afterSeconds: 0, run: () => {
          const vm = load();
          applyUpdate(vm, parseUpdate(task.params ?? {}), vm.status === 'running');
          state.changed(vm);
        } },
      ];
    default:
      return [{ afterSeconds: 0, run: () => { throw fail(`unknown task type '${task.type}'`); } }];
  }
}
