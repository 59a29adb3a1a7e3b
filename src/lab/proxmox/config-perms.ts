// Which privilege each changed VM option needs, as qemu-server PVE/API2/Qemu.pm
// $check_vm_modify_config_perm checks them (after the method's own check that the user has any
// VM.Config.* privilege): disks, cdrom, serial/usb/hostpci and tags are checked elsewhere, by value;
// an option in no group is root's alone ("only root can set '$opt' config").
import { fail } from './errors.js';

const GROUPS: Array<[string, readonly string[]]> = [
  ['VM.Config.CPU', ['cores', 'cpu', 'runningcpu', 'cpulimit', 'cpuunits', 'numa', 'smp', 'sockets', 'vcpus']],
  ['VM.Config.Memory', ['memory', 'balloon', 'shares', 'allow-ksm']],
  ['VM.Config.HWType', ['acpi', 'hotplug', 'kvm', 'machine', 'runningmachine', 'scsihw', 'smbios1', 'tablet', 'vga', 'watchdog', 'audio0', 'rng0']],
  ['VM.Config.Options', ['agent', 'autostart', 'bios', 'description', 'keyboard', 'localtime', 'migrate_downtime', 'migrate_speed', 'name', 'onboot', 'ostype', 'protection', 'reboot', 'startdate', 'startup', 'tdf', 'template']],
  ['VM.PowerMgmt', ['freeze']],
  ['VM.Config.Disk', ['boot', 'bootdisk', 'vmstatestorage']],
];

/** $vm_config_perm_list: the method-level check (any of them). */
export const VM_CONFIG_PRIVS = ['VM.Config.Disk', 'VM.Config.CDROM', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.HWType', 'VM.Config.Options', 'VM.Config.Cloudinit'];

const CLOUDINIT = ['cicustom', 'cipassword', 'citype', 'ciuser', 'ciupgrade', 'nameserver', 'searchdomain', 'sshkeys'];

const CHECKED_ELSEWHERE = /^(?:(?:ide|sata|scsi|virtio|efidisk|tpmstate|unused|serial|usb|hostpci|virtiofs)\d+|cdrom|tags)$/;

/** The privileges to change `opt` (all of them, or any with `any`); undefined when checked elsewhere.
 * Not modelled: `startup` also needs Sys.Modify on '/'. */
export function privilegesFor(opt: string): { privs: string[]; any?: true } | undefined {
  if (CHECKED_ELSEWHERE.test(opt)) return undefined;
  if (/^numa\d+$/.test(opt)) return { privs: ['VM.Config.CPU'] };
  if (/^net\d+$/.test(opt) || opt === 'running-nets-host-mtu') return { privs: ['VM.Config.Network'] };
  if (/^ipconfig\d+$/.test(opt) || CLOUDINIT.includes(opt)) return { privs: ['VM.Config.Cloudinit', 'VM.Config.Network'], any: true };
  if (opt === 'vmstate') return { privs: ['VM.Config.Disk', 'VM.PowerMgmt'] };
  const group = GROUPS.find(([, opts]) => opts.includes(opt));
  if (!group) throw fail(`only root can set '${opt}' config`);
  return { privs: [group[0]] };
}
