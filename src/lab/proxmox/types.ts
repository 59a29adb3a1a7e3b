// The simulator's VM record and the slice of its state the power tasks drive: below both
// state.ts and power.ts, so the task plans need not import the state that runs them.

export interface SimVm { vmid: number; name: string; node: string; status: 'running' | 'stopped';
  config: Record<string, string | number>;   // applied config (memory, balloon, cores, name, ...)
  pending: Record<string, string | number>;  // changes waiting for a reboot / stop-start
  lock?: string; uptimeStartedAt?: number;
  /** Lab only: how long the guest takes to power off after an ACPI powerdown (default rebootSeconds / 2). */
  shutdownSeconds?: number; }

/** What a power task needs of the simulator's state. */
export interface PowerState {
  readonly rebootSeconds: number;
  vm(vmid: number): SimVm | undefined;
  /** Records a change of the VM (emits vm-changed). */
  changed(vm: SimVm): void;
  startTask(type: string, vm: SimVm, user: string, params?: Record<string, string>): string;
}
