// What each simulated worker task does, step by step (qemu-server PVE/QemuServer.pm):
// - qmstart: vm_start checks the lock and dies "VM N already running" inside the task, then
//   applies pending changes before QEMU starts (vm_start_nolock -> vmconfig_apply_pending);
// - qmstop: _do_vm_stop returns at once (task OK) when the VM is not running, checks the lock,
//   and vm_stop_cleanup applies pending changes;
// - qmshutdown / qmreboot: _do_vm_stop with $shutdown: an ACPI powerdown, then it waits for
//   QEMU to exit at most `timeout` seconds (60 by default) and otherwise dies "VM quit/powerdown
//   failed - got timeout" (the VM keeps running, nothing pending applies; shutdown's forceStop
//   kills it instead). vm_reboot is only that shutdown after create_reboot_request: its task
//   ends once QEMU exited. qmeventd sees the exit and runs `qm cleanup` (src/PVE/CLI/qm.pm),
//   which takes the config lock, clears the reboot request and calls PVE::API2::Qemu->vm_start
//   from the CLI environment (user root@pam): the start is a separate qmstart task.
// - qmconfig: the asynchronous config update ($update_vm_api's $updatefn).
// Each step may throw (the task ends with that text as exitstatus) or return true (done, OK).
import { fail } from './errors.js';
import type { PowerState, SimVm } from './types.js';
import type { TaskRecord } from './tasks.js';
import { startMemoryError } from './memory-hotplug.js';
import { applyPending, applyUpdate, parseUpdate } from './vm-config.js';

export interface TaskStep {
  afterSeconds: number;
  run: () => boolean | void;
}

/** PVE::AbstractConfig::load_config on the task's node */
export function loadVm(state: PowerState, node: string, vmid: number): SimVm {
  const vm = state.vm(vmid);
  if (!vm || vm.node !== node) throw fail(`Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
  return vm;
}

function checkLock(vm: SimVm): void {
  if (vm.lock) throw fail(`VM is locked (${vm.lock})`);
}

function setStopped(state: PowerState, vm: SimVm): void {
  vm.status = 'stopped';
  delete vm.uptimeStartedAt;
  applyPending(vm);
  state.changed(vm);
}

function setRunning(state: PowerState, vm: SimVm): void {
  applyPending(vm);
  vm.status = 'running';
  vm.uptimeStartedAt = Date.now();
  state.changed(vm);
}

/** PVE's user for what qmeventd starts: `qm` runs under setup_default_cli_env (root@pam). */
const QMEVENTD_USER = 'root@pam';

/** _do_vm_stop with $shutdown: the guest powers off in its own time, PVE waits `timeout`. */
function powerdown(state: PowerState, task: TaskRecord, load: () => SimVm, after: (vm: SimVm) => void): TaskStep[] {
  const guest = state.vm(Number(task.id))?.shutdownSeconds ?? state.rebootSeconds / 2;
  const timeout = task.params?.timeout !== undefined ? Number(task.params.timeout) : 60;
  if (guest <= timeout) return [{ afterSeconds: guest, run: () => after(load()) }];
  return [{ afterSeconds: timeout, run: () => {
    if (task.params?.forceStop === '1') return after(load()); // "VM still running - terminating now with SIGTERM"
    throw fail('VM quit/powerdown failed - got timeout');
  } }];
}

export function planTask(state: PowerState, task: TaskRecord): TaskStep[] {
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
        { afterSeconds: secs, run: () => {
          const vm = load();
          // vm_start_nolock applies pending changes, then config_to_command may refuse the config.
          applyPending(vm);
          const refused = startMemoryError(vm);
          if (refused) {
            state.changed(vm);
            throw fail(refused);
          }
          setRunning(state, vm);
        } },
      ];
    case 'qmstop':
      return [
        { afterSeconds: 0, run: () => {
          const vm = load();
          if (vm.status !== 'running') return true;
          checkLock(vm);
        } },
        { afterSeconds: secs, run: () => setStopped(state, load()) },
      ];
    case 'qmshutdown':
    case 'qmreboot': {
      const running = () => {
        const vm = load();
        if (vm.status !== 'running') return true; // vm_reboot: "only reboot if running"
        checkLock(vm);
      };
      const stopped = (vm: SimVm) => {
        setStopped(state, vm);
        // qmeventd's `qm cleanup` waits for the config lock this task holds, then starts it.
        if (task.type === 'qmreboot') state.startTask('qmstart', vm, QMEVENTD_USER);
      };
      return [{ afterSeconds: 0, run: running }, ...powerdown(state, task, load, stopped)];
    }
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
