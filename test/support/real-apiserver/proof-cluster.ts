// The set-up every RBAC proof file shares (call at the top level of the file): a real apiserver
// with an audit log and one spare user per run, started before the file's tests and stopped
// after them together with what the file started on it (players, the Proxmox simulator), and a
// temp dir for the audit log, the runs' state dirs and reports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startRealApiserver, type RealApiserver } from '../real-apiserver.js';
import { adminOf, type Admin } from './admin.js';
import { startProxmoxSim, type ProxmoxSim } from './proxmox-sim.js';
import type { ProxmoxSpec } from '../../../src/lab/proxmox/state.js';

type Stop = () => Promise<void>;

export interface ProofCluster {
  /** Set before the file's tests run. */
  api: RealApiserver;
  admin: Admin;
  /** Audit log, run state dirs and reports; removed after the file. */
  readonly dir: string;
  readonly auditLog: string;
  /** Every run's user, for the controllers a test plays (they act on those users' requests). */
  users(): string[];
  /** The next run: its index (for names of its own) and its fresh user. */
  nextRun(): { i: number; user: { user: string; token: string } };
  /** Starts the Proxmox simulator, closed after the file. */
  startProxmox(spec: Omit<ProxmoxSpec, 'tokens'>): Promise<ProxmoxSim>;
  /** Runs `stop` after the file's tests, before what was started earlier. */
  onStop(stop: Stop): void;
}

export function useProofCluster(name: string, runs: number, setup: (c: ProofCluster) => Promise<void>): ProofCluster {
  const dir = mkdtempSync(join(tmpdir(), `rbac-${name}-`));
  const stops: Stop[] = [];
  let next = 0;
  const c: ProofCluster = {
    api: undefined as unknown as RealApiserver,
    admin: undefined as unknown as Admin,
    dir,
    auditLog: join(dir, 'audit.log'),
    users: () => c.api.spareTokens.map((t) => t.user),
    nextRun() {
      const i = next++;
      return { i, user: c.api.spareTokens[i]! };
    },
    async startProxmox(spec) {
      const pve = await startProxmoxSim(spec);
      c.onStop(() => pve.close());
      return pve;
    },
    onStop: (stop) => void stops.unshift(stop),
  };

  beforeAll(async () => {
    c.api = await startRealApiserver({ auditLogPath: c.auditLog, spareUsers: runs });
    c.admin = adminOf(c.api);
    await setup(c);
  }, 120_000);

  afterAll(async () => {
    for (const stop of stops) await stop();
    await c.api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  return c;
}
