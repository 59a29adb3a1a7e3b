// The flags that say which cluster and which Proxmox to talk to; shared by every command that
// touches them (run, plan, rollback, resume, doctor).
import type { Command } from 'commander';

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('--proxmox-url <url>', 'Proxmox API, e.g. https://pve1:8006 ($PROXMOX_URL)')
    .option('--proxmox-token-id <id>', 'API token id USER@REALM!NAME ($PROXMOX_TOKEN_ID; the secret only from $PROXMOX_TOKEN_SECRET)')
    .option('--proxmox-env-file <file>', 'KEY=VALUE file with the PROXMOX_* settings (the lab writes one)')
    .option('--proxmox-ca <file>', 'CA certificate that signed the Proxmox certificate ($PROXMOX_CA)')
    .option('--proxmox-fingerprint <sha256>', 'pin the Proxmox certificate by its SHA-256 fingerprint ($PROXMOX_FINGERPRINT)')
    .option('--insecure', 'do not verify the Proxmox TLS certificate (not recommended)')
    .option('--inventory <file>', 'map Kubernetes nodes to Proxmox VMs when names differ ($RUNBOOK_INVENTORY; see examples/inventory.yaml)');
}
