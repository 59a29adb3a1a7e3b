// Where the Proxmox endpoint and credentials come from: flags, then environment, then an env
// file (the lab writes one: PROXMOX_URL, PROXMOX_TOKEN_ID, PROXMOX_TOKEN_SECRET, PROXMOX_CA,
// RUNBOOK_INVENTORY).
// API tokens only: a password never needs to be stored for unattended runs.
import { readFileSync } from 'node:fs';
import { RunbookError } from '../../errors.js';

export interface ProxmoxTarget {
  url: string;
  tokenId: string;
  tokenSecret: string;
  /** PEM file of the CA that signed the Proxmox certificate. */
  caFile?: string;
  /** SHA-256 fingerprint of the server certificate (`AA:BB:...`), as `pvenode cert info` shows it. */
  fingerprint?: string;
  /** TLS verification off: only when the user asks, with a warning. */
  insecure: boolean;
  /** Inventory file mapping Kubernetes nodes to Proxmox VMs (inventory.ts). */
  inventoryFile?: string;
}

export interface ProxmoxFlags {
  proxmoxUrl?: string;
  proxmoxTokenId?: string;
  proxmoxEnvFile?: string;
  proxmoxCa?: string;
  proxmoxFingerprint?: string;
  insecure?: boolean;
  /** Inventory file mapping Kubernetes nodes to Proxmox VMs ($RUNBOOK_INVENTORY). */
  inventory?: string;
}

/** Parses KEY=VALUE lines (comments, blank lines, optional quotes, optional `export`). */
function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

export function resolveProxmoxTarget(flags: ProxmoxFlags, env: Record<string, string | undefined>): ProxmoxTarget {
  const file = flags.proxmoxEnvFile ?? env.PROXMOX_ENV_FILE;
  let fromFile: Record<string, string> = {};
  if (file) {
    try {
      fromFile = parseEnvFile(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new RunbookError('E_PROXMOX_CONFIG', `cannot read ${file}: ${(e as Error).message}`);
    }
  }
  const pick = (flag: string | undefined, key: string) => flag ?? env[key] ?? fromFile[key];
  const url = pick(flags.proxmoxUrl, 'PROXMOX_URL');
  const tokenId = pick(flags.proxmoxTokenId, 'PROXMOX_TOKEN_ID');
  // The secret never comes from a flag: flags end up in shell history and `ps`.
  const tokenSecret = env.PROXMOX_TOKEN_SECRET ?? fromFile.PROXMOX_TOKEN_SECRET;
  if (!url || !tokenId || !tokenSecret) {
    const missing = [!url && 'PROXMOX_URL', !tokenId && 'PROXMOX_TOKEN_ID', !tokenSecret && 'PROXMOX_TOKEN_SECRET'].filter(Boolean).join(', ');
    throw new RunbookError('E_PROXMOX_CONFIG', `Proxmox is not configured: missing ${missing}`, {
      hint: 'export PROXMOX_URL=https://pve:8006 PROXMOX_TOKEN_ID=user@pam!runbook PROXMOX_TOKEN_SECRET=... (or --proxmox-env-file FILE)',
    });
  }
  // proxmox-api refuses any other form with a plain Error (src/ProxmoxEngine.ts, "invalid
  // tokenSecret"), which surfaced as an internal error (exit 70) in doctor: say it here.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tokenSecret)) {
    throw new RunbookError('E_PROXMOX_CONFIG', 'PROXMOX_TOKEN_SECRET is not an API token secret (a lowercase UUID such as 12345678-1234-1234-1234-1234567890ab)', {
      hint: '`pveum user token add USER@REALM NAME` prints the secret once; copy it whole',
    });
  }
  const caFile = pick(flags.proxmoxCa, 'PROXMOX_CA');
  const fingerprint = pick(flags.proxmoxFingerprint, 'PROXMOX_FINGERPRINT');
  const insecure = Boolean(flags.insecure) || env.PROXMOX_INSECURE === '1';
  const inventoryFile = pick(flags.inventory, 'RUNBOOK_INVENTORY');
  return { url, tokenId, tokenSecret, insecure, ...(caFile ? { caFile } : {}), ...(fingerprint ? { fingerprint: fingerprint.toUpperCase() } : {}), ...(inventoryFile ? { inventoryFile } : {}) };
}
