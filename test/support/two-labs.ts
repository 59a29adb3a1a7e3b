// The incident lab and the healthy lab side by side for a test file: started before its tests,
// stopped after; `envOf` points the CLI at one of them.
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';

export interface TwoLabs {
  incident: Lab;
  healthy: Lab;
}

export const envOf = (lab: Lab) => ({ KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath });

/** Registers the hooks; read the labs from the returned object inside tests. */
export function useIncidentAndHealthyLabs(root: string): TwoLabs {
  const labs = {} as TwoLabs;
  beforeAll(async () => {
    [labs.incident, labs.healthy] = await Promise.all([startLab({ dir: join(root, 'incident') }), startLab({ dir: join(root, 'healthy'), scenario: 'healthy' })]);
    labs.incident.settle();
    labs.healthy.settle();
  });
  afterAll(async () => {
    await Promise.all([labs.incident?.stop(), labs.healthy?.stop()]);
  });
  return labs;
}

/** One lab for a test file (the incident's unless `scenario`), started and settled before its tests, stopped after. */
export function useLab(dir: string, scenario?: string): { lab: Lab } {
  const holder = {} as { lab: Lab };
  beforeAll(async () => {
    holder.lab = await startLab({ dir, ...(scenario ? { scenario } : {}) });
    holder.lab.settle();
  });
  afterAll(async () => {
    await holder.lab?.stop();
  });
  return holder;
}
