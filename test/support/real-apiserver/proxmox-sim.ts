// The in-process Proxmox VE simulator (src/lab/proxmox) for the runbooks' Proxmox steps, with
// the env file the CLI reads (PROXMOX_ENV_FILE). Kubernetes steps go to the real apiserver.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabTls } from '../../../src/lab/tls.js';
import { startProxmoxServer, type ProxmoxServer } from '../../../src/lab/proxmox/server.js';
import { ProxmoxState, type ProxmoxSpec } from '../../../src/lab/proxmox/state.js';

export interface ProxmoxSim {
  server: ProxmoxServer;
  state: ProxmoxState;
  /** For the CLI's PROXMOX_ENV_FILE. */
  envFile: string;
  close(): Promise<void>;
}

const TOKEN = { id: 'root@pam!runbook', secret: '0b7c1e4e-9d2a-4f51-8a3c-2e6f0d9b7a11' };

export async function startProxmoxSim(spec: Omit<ProxmoxSpec, 'tokens'>): Promise<ProxmoxSim> {
  const tls = await createLabTls();
  const state = ProxmoxState.fromSpec({ ...spec, tokens: [TOKEN] });
  const server = await startProxmoxServer({ state, tls });
  const dir = mkdtempSync(join(tmpdir(), 'rbac-pve-'));
  writeFileSync(join(dir, 'ca.pem'), tls.caPem);
  const envFile = join(dir, 'proxmox.env');
  writeFileSync(envFile, `PROXMOX_URL=${server.url}\nPROXMOX_TOKEN_ID=${TOKEN.id}\nPROXMOX_TOKEN_SECRET=${TOKEN.secret}\nPROXMOX_CA=${join(dir, 'ca.pem')}\n`);
  return {
    server, state, envFile,
    async close() {
      state.dispose();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
