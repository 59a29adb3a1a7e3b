// The diagnosis as steps see it: read-only readers in, findings and proposals out. Proxmox is
// optional: without it configured, the Kubernetes checks still run.
import type { ProxmoxReader, ReadAdapters } from '../../src/adapters/ports.js';
import type { Proposal } from '../../src/diagnose/proposals.js';
import type { Finding } from '../../src/diagnose/types.js';

export interface Diagnosis {
  findings: Finding[];
  proposals: Proposal[];
}

export async function readDiagnosis(adapters: Pick<ReadAdapters, 'kube'> & { proxmox?: ProxmoxReader }, useProxmox: boolean): Promise<Diagnosis> {
  // Loaded on use: `runbook validate` and `--help` build the registry and must stay quick.
  const [{ diagnose }, { proposeRemediations }] = await Promise.all([import('../../src/diagnose/diagnose.js'), import('../../src/diagnose/proposals.js')]);
  const findings = await diagnose({ kube: adapters.kube, ...(useProxmox && adapters.proxmox ? { proxmox: adapters.proxmox } : {}) });
  return { findings, proposals: proposeRemediations(findings) };
}
