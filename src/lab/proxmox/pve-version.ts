// The release the simulator claims to be: the 8.x line most clusters still run (PVE 8 on
// Debian bookworm, kernel 6.8). pve-manager PVE/pvecfg.pm.in version_info {version, release,
// repoid}; 8.4.21 is the newest 8.x in pve-manager's debian/changelog (commit 2606ac85,
// "bump version to 8.4.21"), repoid its 16-digit git id.
export const PVE_VERSION = { version: '8.4.21', release: '8.4', repoid: '2606ac850d46da29' } as const;

/** A scenario may claim another release (`9.0.10`); release is its x.y (version_info). */
export function checkPveVersion(version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`pveVersion '${version}' is not x.y.z`);
  return version;
}

export function versionInfo(version: string): { version: string; release: string; repoid: string } {
  return { version, release: version.split('.').slice(0, 2).join('.'), repoid: PVE_VERSION.repoid };
}

/** proxmox-kernel-6.8 (the default kernel of PVE 8.2 and later) */
export const PVE_KERNEL = { release: '6.8.12-13-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-13' } as const;
