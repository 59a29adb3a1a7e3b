// Builds the adapter provider from flags and environment. Each adapter module is imported
// only when a step needs it, so `runbook validate` never loads the Kubernetes client.
import { lazyAdapters } from '../engine/adapters.js';
import type { AdapterProvider } from '../engine/adapters.js';
import type { KubeReader, ProxmoxWriter } from '../adapters/ports.js';
import type { ProxmoxFlags } from '../adapters/proxmox/config.js';
import { DEFAULT_CALL_POLICY } from '../adapters/api-call.js';
import type { CallPolicy } from '../adapters/api-call.js';
import { RunbookError } from '../errors.js';
import { envDuration } from '../runbook/duration.js';
import type { CliIO } from './io.js';

export interface AdapterFlags extends ProxmoxFlags {
  kubeconfig?: string;
  context?: string;
}

/** When given, every change through the Kubernetes writer is also recorded as an Event. */
interface EventIdentity {
  runbook: string;
  runId(): string | undefined;
}

export function cliAdapters(io: CliIO, flags: AdapterFlags, events?: EventIdentity): AdapterProvider {
  const warn = (m: string) => io.err(`${m}\n`);
  const policy = () => callPolicy(io.env);
  let kube: ReturnType<typeof makeKube> | undefined;
  let proxmox: ReturnType<typeof makeProxmox> | undefined;
  function makeKube() {
    return import('../adapters/kube/adapter.js').then((m) => m.createKubeAdapters({ env: io.env, ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}), warn }, policy()));
  }
  async function makeProxmox() {
    const [{ resolveProxmoxTarget }, { ProxmoxApiClient, readOnly }] = await Promise.all([import('../adapters/proxmox/config.js'), import('../adapters/proxmox/client.js')]);
    const target = resolveProxmoxTarget(flags, io.env);
    if (target.insecure) warn('warning: Proxmox TLS verification is OFF (--insecure): anyone on the path can impersonate the server');
    const client = await ProxmoxApiClient.connect(target, policy());
    const inventoryFile = target.inventoryFile;
    if (!inventoryFile) return { reader: readOnly(client), writer: client };
    const { loadInventory, withInventory } = await import('../adapters/proxmox/inventory.js');
    const inventory = loadInventory(inventoryFile);
    return { reader: withInventory(readOnly(client), inventory), writer: withInventory(client as ProxmoxWriter, inventory) };
  }
  const kubeOnce = () => (kube ??= makeKube());
  const proxmoxOnce = () => (proxmox ??= makeProxmox());
  return lazyAdapters({
    reader: { kube: async () => (await kubeOnce()).reader, proxmox: async () => (await proxmoxOnce()).reader },
    writer: {
      kube: async () => {
        const writer = (await kubeOnce()).writer;
        if (!events) return writer;
        const { recordingKubeWriter } = await import('../adapters/kube/event-recorder.js');
        return recordingKubeWriter(writer, events, warn);
      },
      proxmox: async () => (await proxmoxOnce()).writer,
      shell: async () => (await import('../adapters/shell-zx.js')).createShellRunner(io.env),
    },
  });
}

/**
 * A Kubernetes reader for doctor: lists and readiness over plain HTTPS when the kubeconfig has
 * static credentials (client-node is not loaded: ~87 MB less at 500 nodes), else client-node's.
 */
export async function listReader(io: CliIO, flags: AdapterFlags): Promise<KubeReader> {
  const { createListReader } = await import('../adapters/kube/plain-reader.js');
  return createListReader({ env: io.env, ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}), warn: (m) => io.err(`${m}\n`) }, callPolicy(io.env));
}

/** The kubeconfig context and API server the flags and environment select, as kubectl would. */
export async function kubeTargetOf(io: CliIO, flags: AdapterFlags): Promise<{ context: string; server: string }> {
  const { loadKubeConfig } = await import('../adapters/kube/config.js');
  const kc = await loadKubeConfig({ env: io.env, ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context ? { context: flags.context } : {}) });
  return { context: kc.getCurrentContext(), server: kc.getCurrentCluster()?.server ?? '?' };
}

/** The API call policy, with $RUNBOOK_REQUEST_TIMEOUT (per request, e.g. 10s) when set. */
function callPolicy(env: Record<string, string | undefined>): CallPolicy | undefined {
  const ms = envDuration('RUNBOOK_REQUEST_TIMEOUT', env.RUNBOOK_REQUEST_TIMEOUT);
  if (ms === undefined) return undefined;
  if (ms === 0) throw new RunbookError('E_ENV', '$RUNBOOK_REQUEST_TIMEOUT: every request needs a timeout; 0 is none', { hint: 'e.g. RUNBOOK_REQUEST_TIMEOUT=10s' });
  return { ...DEFAULT_CALL_POLICY, requestTimeoutMs: ms };
}
