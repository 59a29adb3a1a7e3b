// A running Proxmox simulator for the contract tests, plus the two real clients: our adapter
// (proxmox-api + undici trusting the lab CA) and raw undici fetch for status lines and bodies.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { eventually } from '../../support/eventually.js';
import { ProxmoxApiClient } from '../../../src/adapters/proxmox/client.js';
import { startProxmoxServer, type ProxmoxServer } from '../../../src/lab/proxmox/server.js';
import { ProxmoxState, type ProxmoxSpec } from '../../../src/lab/proxmox/state.js';
import { createLabTls, type LabTls } from '../../../src/lab/tls.js';

export const TOKEN_ID = 'root@pam!runbook';
export const TOKEN_SECRET = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';
export const PASSWORD = 'lab-password';

export function spec(overrides: Partial<ProxmoxSpec> = {}): ProxmoxSpec {
  return {
    nodes: [
      { name: 'pve1', memoryMiB: 16384, cpus: 8 },
      { name: 'pve2', memoryMiB: 8192, cpus: 4 },
    ],
    vms: [
      { vmid: 101, name: 'k3s-server-0', node: 'pve1', memory: 4096, balloon: 1200, cores: 2 },
      { vmid: 102, name: 'k3s-replica-0', node: 'pve1', memory: 4096, balloon: 516 },
      { vmid: 103, name: 'k3s-server-1', node: 'pve2', memory: 2048, status: 'stopped' },
      { vmid: 104, name: 'k3s-backup', node: 'pve1', memory: 2048, lock: 'backup' },
    ],
    tokens: [{ id: TOKEN_ID, secret: TOKEN_SECRET }],
    users: [{ userid: 'root@pam', password: PASSWORD }],
    rebootSeconds: 0.2,
    ...overrides,
  };
}

export interface Sim {
  tls: LabTls;
  state: ProxmoxState;
  server: ProxmoxServer;
  caFile: string;
  client: () => Promise<ProxmoxApiClient>;
  /** raw HTTPS call trusting the lab CA; `body` is form-encoded */
  raw: (method: string, path: string, opts?: { headers?: Record<string, string>; body?: Record<string, string> }) => Promise<RawResponse>;
  close: () => Promise<void>;
}

export interface RawResponse {
  status: number;
  statusText: string;
  contentType: string | null;
  text: string;
  json: () => { data: unknown; message?: string; errors?: Record<string, string> };
}

let tlsOnce: Promise<LabTls> | undefined;

export async function startSim(s: ProxmoxSpec = spec()): Promise<Sim> {
  const tls = await (tlsOnce ??= createLabTls());
  const state = ProxmoxState.fromSpec(s);
  const server = await startProxmoxServer({ state, tls });
  const dir = mkdtempSync(join(tmpdir(), 'pve-sim-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, tls.caPem);
  const agent = new Agent({ connect: { ca: tls.caPem } });
  const raw: Sim['raw'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | undefined;
    if (opts.body) {
      body = new URLSearchParams(opts.body).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(`${server.url}/api2/json${path}`, { method, headers, body, dispatcher: agent });
    const text = await res.text();
    return { status: res.status, statusText: res.statusText, contentType: res.headers.get('content-type'), text, json: () => JSON.parse(text) };
  };
  return {
    tls,
    state,
    server,
    caFile,
    raw,
    client: () => ProxmoxApiClient.connect({ url: server.url, tokenId: TOKEN_ID, tokenSecret: TOKEN_SECRET, caFile, insecure: false }),
    close: async () => {
      state.dispose();
      await server.close();
      await agent.close();
    },
  };
}

export const tokenHeader = { Authorization: `PVEAPIToken=${TOKEN_ID}=${TOKEN_SECRET}` };

/** Polls a task through the API until it stopped (the simulated duration is short). */
export async function waitTask(sim: Sim, node: string, upid: string): Promise<{ status: string; exitstatus?: string }> {
  const client = await sim.client();
  return eventually(() => client.getTaskStatus(node, upid), { what: `task ${upid} to stop`, until: (s) => s.status === 'stopped' });
}

/** After an OK reboot task: the qmstart task qmeventd forked (as root@pam) to bring the VM back. */
export function restartUpid(sim: Sim, vmid: number): string {
  const start = sim.state.tasks().findLast((t) => t.type === 'qmstart' && t.id === String(vmid) && t.user === 'root@pam');
  if (!start) throw new Error(`no qmstart task for VM ${vmid}`);
  return start.upid;
}
