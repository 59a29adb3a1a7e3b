// VM config with a [PENDING] section, as qemu-server keeps it. Sources, all in qemu-server
// unless noted: PVE/API2/Qemu.pm $update_vm_api (checks and the write to pending),
// PVE/QemuServer.pm vmconfig_hotplug_pending / vmconfig_apply_pending, and pve-guest-common
// PVE/AbstractConfig.pm (load_current_config, cleanup_pending, check_lock) and
// PVE/GuestHelpers.pm config_with_pending_array. The digest is the SHA-1 of the config file
// text (parse_vm_config), so any change, pending ones included, changes it.
import { createHash } from 'node:crypto';
import { fail, paramError } from './errors.js';
import { hotplugFeatures, hotplugMemory } from './memory-hotplug.js';
import { apiValue, optionExists, parseMemory, typedValue } from './qemu-schema.js';
import type { SimVm } from './types.js';

type Values = Record<string, string | number>;

/** Options applied at once even on a running VM ($fast_plug_option). */
const FAST_PLUG = new Set(['description', 'hookscript', 'lock', 'migrate_downtime', 'migrate_speed', 'name', 'onboot', 'protection', 'shares', 'startup', 'tags', 'vmstatestorage']);

/** parse_pending_delete: "a,!b" -> a (no force), b (force) */
function pendingDeletes(vm: SimVm): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const item of String(vm.pending.delete ?? '').split(/[,;\s]+/).filter(Boolean)) {
    const force = item.startsWith('!');
    out.set(force ? item.slice(1) : item, force);
  }
  return out;
}

function writePendingDeletes(vm: SimVm, dels: Map<string, boolean>): void {
  if (dels.size === 0) delete vm.pending.delete;
  else vm.pending.delete = [...dels].map(([k, force]) => (force ? `!${k}` : k)).join(',');
}

function pendingKeys(vm: SimVm): string[] {
  return Object.keys(vm.pending).filter((k) => k !== 'delete');
}

function renderConfigFile(vm: SimVm): string {
  const conf: Values = { ...vm.config, ...(vm.lock ? { lock: vm.lock } : {}) };
  let text = Object.keys(conf).sort().map((k) => `${k}: ${conf[k]}\n`).join('');
  if (Object.keys(vm.pending).length > 0) {
    text += '\n[PENDING]\n' + Object.keys(vm.pending).sort().map((k) => `${k}: ${vm.pending[k]}\n`).join('');
  }
  return text;
}

export function configDigest(vm: SimVm): string {
  return createHash('sha1').update(renderConfigFile(vm)).digest('hex');
}

function toApi(values: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(values)) out[k] = apiValue(k, v);
  return out;
}

/** GET .../config: pending values applied unless `current` (load_current_config). */
export function configView(vm: SimVm, current: boolean): Values {
  const conf: Values = { ...vm.config, ...(vm.lock ? { lock: vm.lock } : {}) };
  if (!current) {
    for (const k of pendingKeys(vm)) conf[k] = vm.pending[k]!;
    for (const k of pendingDeletes(vm).keys()) delete conf[k];
  }
  return { ...toApi(conf), digest: configDigest(vm) };
}

/** GET .../pending (config_with_pending_array); the loaded config carries `digest` too. */
export function pendingArray(vm: SimVm): Array<Record<string, string | number>> {
  const conf: Values = { ...vm.config, ...(vm.lock ? { lock: vm.lock } : {}), digest: configDigest(vm) };
  const pending: Values = {};
  for (const k of pendingKeys(vm)) pending[k] = vm.pending[k]!;
  const dels = pendingDeletes(vm);
  const res: Array<Record<string, string | number>> = [];
  for (const [k, v] of Object.entries(conf)) {
    const item: Record<string, string | number> = { key: k, value: apiValue(k, v) };
    if (pending[k] !== undefined) item.pending = apiValue(k, pending[k]!);
    delete pending[k];
    if (dels.has(k)) item.delete = dels.get(k) ? 2 : 1;
    dels.delete(k);
    res.push(item);
  }
  for (const [k, v] of Object.entries(pending)) res.push({ key: k, pending: apiValue(k, v) });
  for (const [k, force] of dels) res.push({ key: k, delete: force ? 2 : 1 });
  return res;
}

/** cleanup_pending: drop pending values equal to the current ones and deletes of unset keys. */
function cleanupPending(vm: SimVm): void {
  for (const k of pendingKeys(vm)) {
    if (vm.config[k] !== undefined && String(vm.pending[k]) === String(vm.config[k])) delete vm.pending[k];
  }
  const dels = pendingDeletes(vm);
  for (const k of [...dels.keys()]) if (vm.config[k] === undefined) dels.delete(k);
  writePendingDeletes(vm, dels);
}

/** vmconfig_apply_pending: a stopped VM (or a start/stop through the API) takes everything. */
export function applyPending(vm: SimVm): boolean {
  const keys = Object.keys(vm.pending);
  if (keys.length === 0) return false;
  for (const k of pendingDeletes(vm).keys()) delete vm.config[k];
  for (const k of pendingKeys(vm)) vm.config[k] = vm.pending[k]!;
  vm.pending = {};
  if (vm.config.name !== undefined) vm.name = String(vm.config.name);
  return true;
}

const enabled = (balloon: string | number | undefined) => balloon === undefined || Number(balloon) !== 0;

/**
 * vmconfig_hotplug_pending: memory is hotplugged only with 'memory' in `hotplug`
 * (memory-hotplug.ts), else it stays pending, as CPU changes do; a balloon target change is
 * applied unless it switches the balloon device on or off. Disks/NICs are not simulated and
 * stay pending. Hotplug errors are a 400 once everything else was done.
 */
function hotplugPending(vm: SimVm): void {
  const apply = (k: string) => {
    vm.config[k] = vm.pending[k]!;
    delete vm.pending[k];
  };
  for (const k of pendingKeys(vm)) if (FAST_PLUG.has(k)) apply(k);
  const dels = pendingDeletes(vm);
  for (const k of [...dels.keys()]) {
    const hot = k === 'balloon' ? !(vm.config.balloon !== undefined && Number(vm.config.balloon) === 0) : FAST_PLUG.has(k) || k === 'cpuunits' || k === 'cpulimit';
    if (!hot) continue;
    delete vm.config[k];
    dels.delete(k);
  }
  writePendingDeletes(vm, dels);
  const errors: Record<string, string> = {};
  for (const k of pendingKeys(vm)) {
    if (k === 'memory' && hotplugFeatures(vm).has('memory')) {
      const r = hotplugMemory(vm, vm.pending.memory!);
      if ('error' in r) errors.memory = `hotplug problem - ${r.error}`;
      else apply(k);
    } else if (k === 'balloon' ? enabled(vm.config.balloon) === enabled(vm.pending.balloon) : k === 'cpuunits' || k === 'cpulimit') apply(k);
  }
  if (vm.config.name !== undefined) vm.name = String(vm.config.name);
  if (Object.keys(errors).length) throw paramError(errors); // raise_param_exc($errors)
}

interface ConfigUpdate {
  digest?: string;
  skiplock: boolean;
  force: boolean;
  deletes: string[];
  reverts: string[];
  values: Record<string, string>;
}

/** Splits validated parameters like $update_vm_api does; parameter-level errors are 400. */
export function parseUpdate(params: Record<string, string>): ConfigUpdate {
  const { node: _n, vmid: _v, digest, background_delay: _b, skiplock, delete: del, revert, force, ...values } = params;
  const split = (s: string | undefined) => (s ?? '').split(/[,;\s]+/).filter(Boolean);
  if (!del && !revert && Object.keys(values).length === 0) throw fail('no options specified');
  const reverts: string[] = [];
  for (const opt of split(revert)) {
    if (!optionExists(opt)) throw paramError({ revert: `unknown option '${opt}'` });
    if (values[opt] !== undefined) throw paramError({ delete: `you can't use '-${opt}' and -revert ${opt}' at the same time` });
    reverts.push(opt);
  }
  const deletes: string[] = [];
  for (let opt of split(del)) {
    if (opt === 'cdrom') opt = 'ide2';
    if (values[opt] !== undefined) throw paramError({ delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` });
    if (reverts.includes(opt)) throw paramError({ revert: `you can't use '-delete ${opt}' and -revert ${opt}' at the same time` });
    if (!optionExists(opt)) throw paramError({ delete: `unknown option '${opt}'` });
    deletes.push(opt);
  }
  return { ...(digest ? { digest } : {}), skiplock: skiplock === '1', force: force === '1', deletes, reverts, values };
}

/** $load_and_check_config: digest, lock, balloon <= memory. Plain dies, so HTTP 500. */
export function checkUpdate(vm: SimVm, u: ConfigUpdate, user: string): void {
  if (u.skiplock && user !== 'root@pam') throw paramError({ skiplock: 'Only root may use this option.' });
  if (u.digest && u.digest !== configDigest(vm)) throw fail('checksum mismatch (file change by other user?)');
  if (vm.lock && !u.skiplock) throw fail(`VM is locked (${vm.lock})`);
  if (u.values.memory || u.values.balloon !== undefined) {
    const memory = u.values.memory || vm.pending.memory || vm.config.memory;
    const maxmem = memory === undefined ? 512 : (parseMemory(memory) ?? 512);
    const balloon = u.values.balloon !== undefined ? Number(u.values.balloon) : Number(vm.pending.balloon || vm.config.balloon || 0);
    if (balloon && balloon > maxmem) throw fail('balloon value too large (must be smaller than assigned memory)');
  }
}

/** $updatefn: writes to [PENDING], then hotplugs (running) or applies (stopped). */
export function applyUpdate(vm: SimVm, u: ConfigUpdate, running: boolean): void {
  checkUpdate(vm, u, 'root@pam');
  const values: Values = {};
  for (const [k, v] of Object.entries(u.values)) values[k] = typedValue(k, v);
  const deletes = [...u.deletes];
  for (const opt of u.reverts) {
    if (vm.config[opt] !== undefined) values[opt] = vm.config[opt]!;
    else if (vm.pending[opt] !== undefined) deletes.push(opt);
  }
  for (const opt of deletes) {
    if (vm.config[opt] === undefined && vm.pending[opt] === undefined) continue; // "cannot delete ... not set" (a warning)
    delete vm.pending[opt];
    if (opt === 'tags') {
      delete vm.config[opt];
      continue;
    }
    const dels = pendingDeletes(vm);
    dels.set(opt, u.force || dels.get(opt) === true);
    writePendingDeletes(vm, dels);
  }
  for (const [k, v] of Object.entries(values)) {
    if (vm.pending[k] !== undefined && String(vm.pending[k]) === String(v)) continue;
    vm.pending[k] = v;
    const dels = pendingDeletes(vm);
    dels.delete(k);
    writePendingDeletes(vm, dels);
  }
  cleanupPending(vm);
  if (Object.keys(vm.pending).length === 0) return;
  if (running) hotplugPending(vm);
  else applyPending(vm);
}
