// ProxmoxReader/Writer on proxmox-api: the only module that imports it. Config writes carry
// the digest read just before (optimistic locking, as the Proxmox UI does).
import type { ProxmoxReader, ProxmoxTaskStatus, ProxmoxVmConfig, ProxmoxVmSummary, ProxmoxWriter, VmAction } from '../ports.js';
import type { ProxmoxTarget } from './config.js';
import { toProxmoxError } from './errors.js';
import { guardPowerActions } from './reboot-guard.js';
import { proxmoxDispatcher, proxmoxFetch } from './tls-fetch.js';

type Api = Awaited<ReturnType<typeof connect>>;

async function connect(target: ProxmoxTarget) {
  const { proxmoxApi } = await import('proxmox-api');
  const url = new URL(target.url);
  const dispatcher = proxmoxDispatcher(target);
  return proxmoxApi({
    host: url.hostname,
    port: Number(url.port || 8006),
    schema: url.protocol === 'http:' ? 'http' : 'https',
    tokenID: target.tokenId,
    tokenSecret: target.tokenSecret,
    // Bounded, so a hung request can't hold a run (and the library's timer) forever.
    queryTimeout: 30_000,
    fetch: guardPowerActions(proxmoxFetch(dispatcher)) as never,
  });
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toProxmoxError(e, what);
  }
}

export class ProxmoxApiClient implements ProxmoxWriter {
  private constructor(private readonly api: Api) {}

  static async connect(target: ProxmoxTarget): Promise<ProxmoxApiClient> {
    return new ProxmoxApiClient(await connect(target));
  }

  private vm(node: string, vmid: number) {
    return this.api.nodes.$(node).qemu.$(vmid);
  }

  listVms(): Promise<ProxmoxVmSummary[]> {
    return call('list VMs', async () => {
      const all = await this.api.cluster.resources.$get({ type: 'vm' });
      return all
        .filter((r) => r.type === 'qemu' && r.vmid !== undefined)
        .map((r) => ({ node: String(r.node), vmid: Number(r.vmid), name: String(r.name ?? ''), status: String(r.status ?? 'unknown') }));
    });
  }

  getVmConfig(node: string, vmid: number): Promise<ProxmoxVmConfig> {
    return call(`read config of VM ${vmid}`, async () => {
      // current=1: the running values, not the pending ones; the plan compares against those.
      const cfg = (await this.vm(node, vmid).config.$get({ current: true })) as Record<string, string | number>;
      const { digest, ...values } = cfg;
      return { digest: String(digest ?? ''), values };
    });
  }

  getVmPending(node: string, vmid: number) {
    return call(`read pending changes of VM ${vmid}`, async () => (await this.vm(node, vmid).pending.$get()) as Array<{ key: string; value?: string | number; pending?: string | number; delete?: number }>);
  }

  getVmStatus(node: string, vmid: number) {
    return call(`read status of VM ${vmid}`, async () => {
      const s = (await this.vm(node, vmid).status.current.$get()) as { status: string; qmpstatus?: string; uptime?: number; maxmem?: number; balloon?: number };
      return { status: s.status, ...(s.qmpstatus !== undefined ? { qmpstatus: s.qmpstatus } : {}), ...(s.uptime !== undefined ? { uptime: s.uptime } : {}), ...(s.maxmem !== undefined ? { maxmem: s.maxmem } : {}), ...(s.balloon !== undefined ? { balloon: s.balloon } : {}) };
    });
  }

  getNodeStatus(node: string) {
    return call(`read status of PVE node ${node}`, async () => {
      const s = (await this.api.nodes.$(node).status.$get()) as { memory: { total: number; used: number } };
      return { memoryTotal: s.memory.total, memoryUsed: s.memory.used };
    });
  }

  getTaskStatus(node: string, upid: string): Promise<ProxmoxTaskStatus> {
    return call(`read task ${upid}`, async () => {
      const s = (await this.api.nodes.$(node).tasks.$(upid).status.$get()) as { status: string; exitstatus?: string };
      return { upid, status: s.status === 'running' ? 'running' : 'stopped', ...(s.exitstatus ? { exitstatus: s.exitstatus } : {}) };
    });
  }

  setVmConfig(node: string, vmid: number, values: Record<string, string | number>, digest?: string): Promise<void> {
    return call(`update config of VM ${vmid}`, async () => {
      await this.vm(node, vmid).config.$put({ ...values, ...(digest ? { digest } : {}) } as never);
    });
  }

  vmAction(node: string, vmid: number, action: VmAction): Promise<string> {
    return call(`${action} VM ${vmid}`, async () => String(await this.vm(node, vmid).status[action].$post()));
  }
}

/** A read-only view: what plan() and preflight get. */
export function readOnly(client: ProxmoxReader): ProxmoxReader {
  return {
    listVms: () => client.listVms(),
    getVmConfig: (n, v) => client.getVmConfig(n, v),
    getVmPending: (n, v) => client.getVmPending(n, v),
    getVmStatus: (n, v) => client.getVmStatus(n, v),
    getNodeStatus: (n) => client.getNodeStatus(n),
    getTaskStatus: (n, u) => client.getTaskStatus(n, u),
  };
}
