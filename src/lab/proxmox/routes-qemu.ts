// /nodes/{node}/qemu/... methods of qemu-server PVE/API2/Qemu.pm: vmlist, vm_config,
// vm_pending, update_vm (PUT, synchronous), update_vm_async (POST, a qmconfig task; the
// checks run before forking, so a stale digest or a lock fails the call itself), vm_status,
// and the power actions, which return the UPID of a worker task (power.ts).
import { fail, paramError } from './errors.js';
import { loadVm } from './power.js';
import { UPDATE_ASYNC_SCHEMA, UPDATE_SYNC_SCHEMA } from './qemu-schema.js';
import { VM_CONFIG_PRIVS, privilegesFor } from './config-perms.js';
import { may, must, userOf } from './route-access.js';
import type { Route, RouteContext } from './route-types.js';
import { NODE, VMID, type Schema } from './schema.js';
import { applyUpdate, checkUpdate, configView, parseUpdate, pendingArray } from './vm-config.js';
import { vmStatus } from './vm-status.js';

const VM_PATH = { node: NODE, vmid: VMID };
const bool = { type: 'boolean', optional: true } as const;
const timeout = { type: 'integer', optional: true, minimum: 0 } as const;
const nodeOptional = () => ({ ...NODE, optional: true });

function vmOf({ state, params }: RouteContext) {
  return loadVm(state, params.node!, Number(params.vmid));
}

const AUDIT = { path: '/vms/{vmid}', privs: ['VM.Audit'] };
const POWER = { path: '/vms/{vmid}', privs: ['VM.PowerMgmt'] };
const CONFIG = { path: '/vms/{vmid}', privs: VM_CONFIG_PRIVS, any: true };

/** $check_vm_modify_config_perm over the changed and deleted options (root may change anything). */
function checkConfigPerms(ctx: RouteContext, options: readonly string[]): void {
  if (userOf(ctx) === 'root@pam') return;
  for (const opt of options) {
    const need = privilegesFor(opt);
    if (need) must(ctx, `/vms/${ctx.params.vmid}`, need.privs, need.any);
  }
}

/** skiplock: "Only root may use this option." (get_standard_option('skiplock') users) */
function checkSkiplock(ctx: RouteContext): void {
  if (ctx.params.skiplock === '1' && userOf(ctx) !== 'root@pam') throw paramError({ skiplock: 'Only root may use this option.' });
}

function powerRoute(action: 'start' | 'stop' | 'shutdown' | 'reboot', schema: Schema): Route {
  return {
    method: 'POST',
    path: `/nodes/{node}/qemu/{vmid}/status/${action}`,
    schema: { ...VM_PATH, ...schema },
    permission: POWER,
    handler: (ctx) => {
      checkSkiplock(ctx);
      const vm = vmOf(ctx);
      // vm_reboot dies before forking; start/stop/shutdown check inside the worker.
      if (action === 'reboot' && vm.status !== 'running') throw fail(`VM ${vm.vmid} not running`);
      const type = { start: 'qmstart', stop: 'qmstop', shutdown: 'qmshutdown', reboot: 'qmreboot' }[action];
      // The worker reads timeout (how long a shutdown may take) and forceStop (power.ts).
      const { timeout, forceStop } = ctx.params;
      const params = { ...(timeout !== undefined ? { timeout } : {}), ...(forceStop !== undefined ? { forceStop } : {}) };
      return ctx.state.startTask(type, vm, userOf(ctx), Object.keys(params).length ? params : undefined);
    },
  };
}

export const qemuRoutes: Route[] = [
  {
    method: 'GET',
    path: '/nodes/{node}/qemu',
    schema: { node: NODE, full: bool },
    // "Only list VMs where you have VM.Audit permissions on /vms/<vmid>."
    handler: (ctx) => ctx.state.vms().filter((v) => v.node === ctx.params.node && may(ctx, `/vms/${v.vmid}`, ['VM.Audit'])).map((v) => vmStatus(ctx.state, v, ctx.params.full === '1')),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/config',
    schema: { ...VM_PATH, current: bool, snapshot: { type: 'string', optional: true, maxLength: 40 } },
    permission: AUDIT,
    handler: (ctx) => {
      if (ctx.params.snapshot && ctx.params.current === '1') {
        const msg = "cannot use 'snapshot' parameter with 'current'";
        throw paramError({ snapshot: msg, current: msg });
      }
      const vm = vmOf(ctx);
      if (ctx.params.snapshot) throw fail(`snapshot '${ctx.params.snapshot}' does not exist`);
      return configView(vm, ctx.params.current === '1');
    },
  },
  {
    method: 'PUT',
    path: '/nodes/{node}/qemu/{vmid}/config',
    schema: UPDATE_SYNC_SCHEMA,
    permission: CONFIG,
    handler: (ctx) => {
      const update = parseUpdate(ctx.params);
      checkConfigPerms(ctx, [...update.deletes, ...Object.keys(update.values)]); // before the config is loaded
      const vm = vmOf(ctx);
      checkUpdate(vm, update, userOf(ctx));
      applyUpdate(vm, update, vm.status === 'running');
      ctx.state.changed(vm);
      return null;
    },
  },
  {
    method: 'POST',
    path: '/nodes/{node}/qemu/{vmid}/config',
    schema: UPDATE_ASYNC_SCHEMA,
    permission: CONFIG,
    handler: (ctx) => {
      const update = parseUpdate(ctx.params);
      checkConfigPerms(ctx, [...update.deletes, ...Object.keys(update.values)]); // before the config is loaded
      const vm = vmOf(ctx);
      checkUpdate(vm, update, userOf(ctx)); // "early checks before forking/locking"
      const { node: _n, vmid: _v, background_delay: delay, ...params } = ctx.params;
      const upid = ctx.state.startTask('qmconfig', vm, userOf(ctx), params);
      const task = ctx.state.task(upid);
      // background_delay: null when the task finished in time, its error if it failed.
      if (delay !== undefined && task?.endtime !== undefined) {
        if (task.exitstatus === 'OK') return null;
        throw fail(`failed to update VM ${vm.vmid}: ${task.exitstatus}`);
      }
      return upid;
    },
  },
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/pending',
    schema: VM_PATH,
    permission: AUDIT,
    handler: (ctx) => pendingArray(vmOf(ctx)),
  },
  {
    method: 'GET',
    path: '/nodes/{node}/qemu/{vmid}/status/current',
    schema: VM_PATH,
    permission: AUDIT,
    handler: (ctx) => vmStatus(ctx.state, vmOf(ctx), true),
  },
  powerRoute('start', {
    skiplock: bool, timeout, stateuri: { type: 'string', optional: true }, migratedfrom: nodeOptional(), machine: { type: 'string', optional: true },
    'migration_type': { type: 'string', optional: true, enum: ['secure', 'insecure'] }, targetstorage: { type: 'string', optional: true },
  }),
  powerRoute('stop', { skiplock: bool, timeout, keepActive: bool, 'overrule-shutdown': bool, migratedfrom: nodeOptional() }),
  powerRoute('shutdown', { skiplock: bool, timeout, forceStop: bool, keepActive: bool }),
  powerRoute('reboot', { timeout }),
];

