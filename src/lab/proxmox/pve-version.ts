// The release the simulator claims to be: the 8.x line most clusters still run (PVE 8 on
// Debian bookworm, kernel 6.8). pve-manager PVE/pvecfg.pm.in version_info {version, release,
// repoid}; 8.4.21 is the newest 8.x in pve-manager's debian/changelog (commit 2606ac85,
// "bump version to 8.4.21"), repoid its 16-digit git id.
export const PVE_VERSION = { version: '8.4.21', release: '8.4', repoid: '2606ac850d46da29' } as const;

/** proxmox-kernel-6.8 (the default kernel of PVE 8.2 and later) */
export const PVE_KERNEL = { release: '6.8.12-13-pve', version: '#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-13' } as const;
