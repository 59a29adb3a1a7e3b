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
