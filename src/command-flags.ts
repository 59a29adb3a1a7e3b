// The flags of `runbook run|plan` and of the program itself, as data. The commands are built
// from these lists (src/cli/flags.ts) and the validator reserves their names: a runbook param
// called `inventory` would clash with --inventory (commander throws: exit 70 at plan time).
// Commander-free on purpose, so src/runbook can read it.

export interface FlagSpec {
  /** Commander's flags string: `-o, --output <format>`, `--no-lock`. */
  flags: string;
  description: string;
  default?: string;
  /** The only values it takes: commander refuses others (exit 2), so `-o yaml` is not text. */
  choices?: readonly string[];
  /** Given several times, the values collect into a list. */
  repeatable?: boolean;
}

/** Before or after the command: `runbook --state-dir X run ...`. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { flags: '--state-dir <dir>', description: 'where run journals live (default: $RUNBOOK_STATE_DIR or $XDG_STATE_HOME/runbook)' },
  { flags: '--runbooks-dir <dir>', description: 'extra directory of runbooks (repeatable; also $RUNBOOK_PATH)', repeatable: true },
];

/** Which cluster and which Proxmox: run, plan, rollback, resume, doctor. */
export const TARGET_FLAGS: readonly FlagSpec[] = [
  { flags: '--kubeconfig <file>', description: 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' },
  { flags: '--context <name>', description: 'kubeconfig context' },
  { flags: '--proxmox-url <url>', description: 'Proxmox API, e.g. https://pve1:8006 ($PROXMOX_URL)' },
  { flags: '--proxmox-token-id <id>', description: 'API token id USER@REALM!NAME ($PROXMOX_TOKEN_ID; the secret only from $PROXMOX_TOKEN_SECRET)' },
  { flags: '--proxmox-env-file <file>', description: 'KEY=VALUE file with the PROXMOX_* settings (the lab writes one)' },
  { flags: '--proxmox-ca <file>', description: 'CA certificate that signed the Proxmox certificate ($PROXMOX_CA)' },
  { flags: '--proxmox-fingerprint <sha256>', description: 'pin the Proxmox certificate by its SHA-256 fingerprint ($PROXMOX_FINGERPRINT)' },
  { flags: '--insecure', description: 'do not verify the Proxmox TLS certificate (not recommended)' },
  { flags: '--inventory <file>', description: 'map Kubernetes nodes to Proxmox VMs when names differ ($RUNBOOK_INVENTORY; see examples/inventory.yaml)' },
];

/** `runbook plan NAME` and `runbook run NAME`, besides the target flags. */
export const PLAN_FLAGS: readonly FlagSpec[] = [{ flags: '-o, --output <format>', description: 'output format', default: 'text', choices: ['text', 'json'] }];

/** `runbook plan NAME` only. */
export const PLAN_OUT_FLAGS: readonly FlagSpec[] = [{ flags: '--out <file>', description: 'also save the plan to FILE: `runbook run --plan FILE` runs exactly it' }];

/** `runbook run NAME` only. */
export const RUN_FLAGS: readonly FlagSpec[] = [
  { flags: '-y, --yes', description: 'approve every confirmation (needed without a terminal)' },
  { flags: '--on-interrupt <action>', description: 'after Ctrl-C/SIGTERM (keep leaves it for `runbook resume`)', default: 'ask', choices: ['ask', 'rollback', 'keep'] },
  { flags: '--no-rollback', description: 'on failure, leave completed steps in place instead of undoing them' },
  { flags: '--no-lock', description: 'do not take the cluster run lock (a Lease in kube-system; $RUNBOOK_LOCK_TTL, default 60s)' },
  { flags: '--concurrency <n>', description: 'steps running at once', default: '4' },
  { flags: '--plan <file>', description: 'run the plan `runbook plan --out FILE` saved (its runbook and params; refused, exit 4, if the plan now differs)' },
];

/** Long names a flags string claims: `--no-lock` claims `no-lock` and `lock`. */
function flagNames(spec: FlagSpec): string[] {
  const long = /--([a-z][a-z0-9-]*)/.exec(spec.flags)?.[1];
  if (!long) return [];
  return long.startsWith('no-') ? [long, long.slice(3)] : [long];
}

/** Flags every command has (commander adds them) or the program has. */
const BUILT_IN = ['help', 'version'];

/** Names a runbook param may not take: they are flags of `runbook run|plan` or of the program. */
export const RESERVED_PARAM_NAMES: readonly string[] = [...new Set([...BUILT_IN, ...[...GLOBAL_FLAGS, ...TARGET_FLAGS, ...PLAN_FLAGS, ...PLAN_OUT_FLAGS, ...RUN_FLAGS].flatMap(flagNames)])];
