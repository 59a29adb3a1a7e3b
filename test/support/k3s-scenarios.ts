// Small lab scenarios the k3s tests share (YAML, as users write them): one Proxmox host with
// the lab's fixed token, and three k3s servers of which k3s-server-2's VM was deleted.

/** The `proxmox:` section: host `pve` and one running VM per [vmid, name]. */
export function proxmoxSection(vms: readonly (readonly [number, string])[]): string {
  return `proxmox:
  nodes: [{ name: pve, memoryMiB: 8192 }]
  vms:
${vms.map(([vmid, name]) => `    - { vmid: ${vmid}, name: ${name}, node: pve, memory: 2048 }`).join('\n')}
  tokens: [{ id: 'root@pam!runbook', secret: 6f1d1c9e-3b1a-4f5e-9c2d-7a8b9c0d1e2f }]
`;
}

/** Three k3s servers with embedded etcd; k3s-server-2's VM is gone and, with `annotated: false`, k3s never annotated its member. */
export function deadServerScenario(annotated: boolean): string {
  return `name: dead-server
${proxmoxSection([[101, 'k3s-server-0'], [102, 'k3s-server-1']])}kubernetes:
  nodes:
    - { name: k3s-server-0, role: control-plane, vmid: 101 }
    - { name: k3s-server-1, role: control-plane, vmid: 102 }
    - { name: k3s-server-2, role: control-plane, vmid: 103, vm: absent, etcdAnnotations: ${annotated} }
`;
}
