// proxmox.host-overcommit: the running VMs of a PVE host are configured with more memory
// than the host has (the incident: 14 GiB of VMs on 8 GiB), so ballooning takes it back.
import { LESSONS, RUNBOOKS } from '../lessons.js';
import type { Check, Finding } from '../types.js';
import { fairShareMiB, nodeVms, workersFirst } from '../vm-facts.js';

export const hostOvercommit: Check = ({ snap }) => {
  const px = snap.proxmox;
  if (!px) return [];
  const known = nodeVms(snap);
  const out: Finding[] = [];
  for (const [host, status] of px.hosts) {
    const totalMiB = Math.floor(status.memoryTotal / 2 ** 20);
    const running = px.vms.filter((vm) => vm.node === host && vm.status === 'running');
    const sized = known.filter((nv) => nv.vm.node === host && nv.vm.status === 'running');
    const configuredMiB = sized.reduce((s, nv) => s + nv.memory.memory, 0);
    if (configuredMiB <= totalMiB) continue;
    const share = fairShareMiB(totalMiB, running.length);
    const uncounted = running.length - sized.length;
    out.push({
      id: `host-overcommit:${host}`,
      check: 'proxmox.host-overcommit',
      severity: 'critical',
      title: `PVE node ${host}: its VMs are configured with ${configuredMiB} MiB, it has ${totalMiB} MiB (${Math.round((configuredMiB / totalMiB) * 100)}%)`,
      objects: [`pve/${host}`, ...sized.map((nv) => `qemu/${nv.vm.vmid}`)],
      evidence: [
        ...sized.map((nv) => `VM ${nv.vm.vmid} ${nv.vm.name}: ${nv.memory.memory} MiB`),
        `host memory ${totalMiB} MiB, used ${Math.floor(status.memoryUsed / 2 ** 20)} MiB`,
        ...(uncounted > 0 ? [`${uncounted} running VM(s) not backing a node were not counted`] : []),
        `an equal share is ${share} MiB per VM (${running.length} running)`,
      ],
      lesson: LESSONS.hostOvercommit,
      fix: { runbook: RUNBOOKS.fixBallooning, params: { nodes: workersFirst(sized.map((nv) => nv.node)), memory: share } },
    });
  }
  return out;
};
