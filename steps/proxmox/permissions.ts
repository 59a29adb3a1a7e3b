// Proxmox privileges as `pveum role add NAME --privs ...` takes them.
import type { Permission } from '../../src/step/define-step.js';

export function pve(privileges: readonly string[], path = '/vms'): Permission {
  return { kind: 'proxmox', path, privileges };
}
