// The subset of the VM config schema the simulator knows (qemu-server PVE/QemuServer.pm
// $confdesc, PVE/QemuServer/Memory.pm $memory_fmt) and the parameters of
// PUT/POST /nodes/{node}/qemu/{vmid}/config (PVE/API2/Qemu.pm update_vm / update_vm_async).
import { NODE, VMID, configIdList, dnsName, type PropSpec, type Schema } from './schema.js';

/** memory is a property string `[current=]<integer>` (min 16) since qemu-server 8.1. */
export function parseMemory(value: string | number): number | undefined {
  const m = /^(?:current=)?(\d+)$/.exec(String(value).trim());
  return m ? Number(m[1]) : undefined;
}

function memoryFormat(value: string): string | undefined {
  const n = parseMemory(value);
  if (n === undefined) return `current: type check ('integer') failed - got '${value.replace(/^current=/, '')}'\n`;
  if (n < 16) return 'current: value must have a minimum value of 16\n';
  return undefined;
}

const bool: PropSpec = { type: 'boolean', optional: true };
const str: PropSpec = { type: 'string', optional: true };

const VM_CONFIG_SCHEMA: Schema = {
  memory: { type: 'string', optional: true, format: memoryFormat },
  balloon: { type: 'integer', optional: true, minimum: 0 },
  shares: { type: 'integer', optional: true, minimum: 0, maximum: 50000 },
  cores: { type: 'integer', optional: true, minimum: 1 },
  sockets: { type: 'integer', optional: true, minimum: 1 },
  vcpus: { type: 'integer', optional: true, minimum: 1 },
  cpuunits: { type: 'integer', optional: true, minimum: 1, maximum: 262144 },
  cpulimit: { type: 'number', optional: true, minimum: 0, maximum: 128 },
  name: { type: 'string', optional: true, format: dnsName },
  description: { type: 'string', optional: true, maxLength: 8192 },
  tags: str,
  onboot: bool,
  protection: bool,
  numa: bool,
  agent: str,
  boot: str,
  bootdisk: str,
  cpu: str,
  hotplug: str,
  ostype: { type: 'string', optional: true, enum: ['other', 'wxp', 'w2k', 'w2k3', 'w2k8', 'wvista', 'win7', 'win8', 'win10', 'win11', 'l24', 'l26', 'solaris'] },
  scsihw: str,
  smbios1: str,
  startup: str,
  vmgenid: str,
  machine: str,
};

/** Disks, NICs and friends: accepted as opaque strings. */
function indexedConfigKey(key: string): PropSpec | undefined {
  return /^(scsi|virtio|sata|ide|net|unused|serial|usb|hostpci)\d+$/.test(key) ? str : undefined;
}

/** PVE::QemuServer::option_exists */
export function optionExists(key: string): boolean {
  return VM_CONFIG_SCHEMA[key] !== undefined || indexedConfigKey(key) !== undefined;
}

const INTEGER_KEYS = new Set(['balloon', 'shares', 'cores', 'sockets', 'vcpus', 'cpuunits', 'onboot', 'protection', 'numa']);

/** Typed as parse_vm_config/check_type leaves values: integers and booleans as numbers. */
export function typedValue(key: string, value: string): string | number {
  if (key === 'memory') return parseMemory(value) ?? value;
  if (INTEGER_KEYS.has(key)) return Number(value);
  if (key === 'cpulimit') return Number(value);
  return value;
}

/** What the API shows: memory is a string (property-string format), the rest as typed. */
export function apiValue(key: string, value: string | number): string | number {
  return key === 'memory' ? String(value) : value;
}

const META: Schema = {
  node: NODE,
  vmid: VMID,
  digest: { type: 'string', optional: true, maxLength: 40 },
  delete: { type: 'string', optional: true, format: configIdList },
  revert: { type: 'string', optional: true, format: configIdList },
  force: bool,
  skiplock: bool,
};

export const UPDATE_SYNC_SCHEMA: Schema = { ...META, ...VM_CONFIG_SCHEMA };
export const UPDATE_ASYNC_SCHEMA: Schema = { ...UPDATE_SYNC_SCHEMA, background_delay: { type: 'integer', optional: true, minimum: 1, maximum: 30 } };
