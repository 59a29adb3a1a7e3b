// One run at a time per cluster (lab): see test/support/run-lock-scenario.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { provesRunLock } from '../support/run-lock-scenario.js';

let lab: Lab | undefined;
afterAll(async () => {
  await lab?.stop();
});

describe('the cluster run lock (lab)', () => {
  it('refuses a second run while one works, releases at the end, and is taken over after its holder dies', async () => {
    lab = await startLab({ dir: join(mkdtempSync(join(tmpdir(), 'lock-lab-')), 'lab'), scenario: 'healthy' });
    await provesRunLock({ KUBECONFIG: lab.kubeconfigPath }, 'k3s-replica-0');
  }, 90_000);
});
