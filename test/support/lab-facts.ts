// A healthy lab shared by one test file's pty runs, and what those tests read straight from its
// store (no HTTP): a node's cordon, the run lock's holder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';

export function cordoned(lab: Lab, node: string): boolean {
  return Boolean((lab.kube.store.get('v1', 'Node', node) as { spec?: { unschedulable?: boolean } } | undefined)?.spec?.unschedulable);
}

/** Started before the file's tests, stopped after them; `env` points the CLI at it, without colours. */
export function sharedHealthyLab(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await startLab({ dir: join(root, 'lab'), scenario: 'healthy', rebootSeconds: 0.2 });
    lab.settle();
  });
  afterAll(async () => {
    await lab?.stop();
  });
  const get = (): Lab => lab!;
  return {
    root,
    lab: get,
    env: () => ({ KUBECONFIG: get().kubeconfigPath, PROXMOX_ENV_FILE: get().proxmoxEnvPath, NO_COLOR: '1' }),
    cordoned: (node: string) => cordoned(get(), node),
    lockHolder: () => (get().kube.store.get('coordination.k8s.io/v1', 'Lease', 'runbook-run-lock', 'kube-system') as { spec?: { holderIdentity?: string } } | undefined)?.spec?.holderIdentity,
  };
}
