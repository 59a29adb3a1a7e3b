// The lab's directory: everything a restarted lab (or a client in another shell) needs.
//   state.json    kube store snapshot + Proxmox state + the kube token and last ports
//   tls.json      the serving certificate and key (0600), reused so ca.pem stays valid
//   ca.pem        the CA clients trust (kubeconfig embeds it too; PROXMOX_CA points here)
//   kubeconfig    for kubectl / client-node, bearer token auth
//   proxmox.env   PROXMOX_URL, PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET, PROXMOX_CA,
//                 RUNBOOK_INVENTORY (0600)
//   inventory.yaml which VM backs which Kubernetes node (src/adapters/proxmox/inventory.ts)
//   lab.pid       the process serving the lab, so a second start on the same dir is refused
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { RunbookError } from '../errors.js';
import type { KubeStoreSnapshot } from './kube/store.js';
import type { EtcdMember } from './kubelet/etcd-members.js';
import { createLabTls, type LabTls } from './tls.js';
import { processAlive } from '../process-alive.js';

interface LabPaths {
  dir: string;
  state: string;
  tls: string;
  ca: string;
  kubeconfig: string;
  proxmoxEnv: string;
  inventory: string;
  pid: string;
}

export interface LabStateFile {
  version: 1;
  scenario: string;
  kubeToken: string;
  ports: { kube: number; proxmox: number };
  kube: KubeStoreSnapshot;
  proxmox: unknown;
  /** the embedded etcd's member list (absent in older state files: derived from the Nodes) */
  etcd?: EtcdMember[];
}

export function labPaths(dir: string): LabPaths {
  return {
    dir,
    state: join(dir, 'state.json'),
    tls: join(dir, 'tls.json'),
    ca: join(dir, 'ca.pem'),
    kubeconfig: join(dir, 'kubeconfig'),
    proxmoxEnv: join(dir, 'proxmox.env'),
    inventory: join(dir, 'inventory.yaml'),
    pid: join(dir, 'lab.pid'),
  };
}

/** Write-then-rename, so a crash never leaves a half-written file behind. */
function writeAtomic(path: string, text: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

export function readLabState(paths: LabPaths): LabStateFile | undefined {
  if (!existsSync(paths.state)) return undefined;
  let parsed: Partial<LabStateFile>;
  try {
    parsed = JSON.parse(readFileSync(paths.state, 'utf8')) as Partial<LabStateFile>;
  } catch (e) {
    throw new RunbookError('E_LAB_STATE', `cannot read ${paths.state}: ${(e as Error).message}`, { hint: 'delete the lab directory to start from the scenario again' });
  }
  if (parsed.version !== 1 || !parsed.kube || !parsed.proxmox || !parsed.kubeToken) {
    throw new RunbookError('E_LAB_STATE', `${paths.state} is not a lab state file of this version`, { hint: 'delete the lab directory to start from the scenario again' });
  }
  return parsed as LabStateFile;
}

export function writeLabState(paths: LabPaths, state: LabStateFile): void {
  writeAtomic(paths.state, `${JSON.stringify(state)}\n`, 0o600);
}

/** Reuses the directory's certificate when there is one: clients keep trusting ca.pem across restarts. */
export async function loadOrCreateTls(paths: LabPaths): Promise<LabTls> {
  if (existsSync(paths.tls)) {
    const tls = JSON.parse(readFileSync(paths.tls, 'utf8')) as LabTls;
    if (tls.caPem && tls.certPem && tls.keyPem) {
      writeAtomic(paths.ca, tls.caPem);
      return tls;
    }
  }
  const tls = await createLabTls();
  writeAtomic(paths.tls, JSON.stringify(tls), 0o600);
  writeAtomic(paths.ca, tls.caPem);
  return tls;
}

export function writeKubeconfigFile(paths: LabPaths, yaml: string): void {
  writeAtomic(paths.kubeconfig, yaml, 0o600);
}

export function writeProxmoxEnv(paths: LabPaths, env: { url: string; tokenId: string; tokenSecret: string }): void {
  const lines = [
    '# Written by `runbook lab`: the simulated Proxmox VE API of this lab.',
    `PROXMOX_URL=${env.url}`,
    `PROXMOX_TOKEN_ID=${env.tokenId}`,
    `PROXMOX_TOKEN_SECRET=${env.tokenSecret}`,
    `PROXMOX_CA=${paths.ca}`,
    `RUNBOOK_INVENTORY=${paths.inventory}`,
  ];
  writeAtomic(paths.proxmoxEnv, `${lines.join('\n')}\n`, 0o600);
}

/** The operator's record of which VM backs which node, kept even after a VM was deleted. */
export function writeInventory(paths: LabPaths, nodes: Record<string, { vmid: number; node?: string }>): void {
  writeAtomic(paths.inventory, `# Written by \`runbook lab\`: which Proxmox VM backs which Kubernetes node.\n${dump({ nodes })}`);
}


/** Refuses a directory another live process serves (its lab.pid); creates it when missing. */
export function checkLabDirFree(paths: LabPaths): void {
  mkdirSync(paths.dir, { recursive: true });
  if (!existsSync(paths.pid)) return;
  const owner = Number(readFileSync(paths.pid, 'utf8').trim());
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
    throw new RunbookError('E_LAB_BUSY', `the lab in ${paths.dir} is already running (pid ${owner})`, { hint: 'stop it first, or use another --dir' });
  }
}

/**
 * Written last, once kubeconfig and proxmox.env are current: `runbook lab start --detach`
 * takes "lab.pid names the child" as "the lab serves".
 */
export function writePidFile(paths: LabPaths): void {
  writeAtomic(paths.pid, `${process.pid}\n`);
}

/** Removes lab.pid when it is this process's. */
export function removePidFile(paths: LabPaths): void {
  if (existsSync(paths.pid) && readFileSync(paths.pid, 'utf8').trim() === String(process.pid)) rmSync(paths.pid, { force: true });
}
