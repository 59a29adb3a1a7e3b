// ProxmoxReader/Writer on proxmox-api: the only module that imports it. Config writes carry
// the digest read just before (optimistic locking, as the Proxmox UI does).
import { apiCall, DEFAULT_CALL_POLICY, Reachability } from '../api-call.js';
import type { CallPolicy } from '../api-call.js';
import type { ProxmoxReader, ProxmoxTaskStatus, ProxmoxVmConfig, ProxmoxVmSummary, ProxmoxWriter, VmAction } from '../ports.js';
import type { ProxmoxTarget } from './config.js';
import { toProxmoxError } from './errors.js';
import { guardPowerActions } from './reboot-guard.js';
import { failuresAsAnswers, networkFailureOf, timedFetch } from './timed-fetch.js';
import { proxmoxDispatcher, proxmoxFetch } from './tls-fetch.js';
import { unreachable } from './unreachable.js';

type Api = Awaited<ReturnType<typeof connect>>;

async function connect(target: ProxmoxTarget, policy: CallPolicy, reach: Reachability) {
  const { proxmoxApi } = await import('proxmox-api');
  const url = new URL(target.url);
  const dispatcher = proxmoxDispatcher(target);
  return proxmoxApi({
    host: url.hostname,
    port: Number(url.port || 8006),
    schema: url.protocol === 'http:' ? 'http' : 'https',
    tokenID: target.tokenId,
    tokenSecret: target.tokenSecret,
    // Our timedFetch times requests out first; the library's timer is always cleared (failuresAsAnswers).
    queryTimeout: policy.requestTimeoutMs + 1000,
    fetch: failuresAsAnswers(guardPowerActions(timedFetch(proxmoxFetch(dispatcher), policy.requestTimeoutMs, reach))) as never,
  });
}

export class ProxmoxApiClient implements ProxmoxWriter {
  private readonly reach = new Reachability();
  private api!: Api;

  private constructor(private readonly target: ProxmoxTarget, private readonly policy: CallPolicy) {}

  static async connect(target: ProxmoxTarget, policy: CallPolicy = DEFAULT_CALL_POLICY): Promise<ProxmoxApiClient> {
    const client = new ProxmoxApiClient(target, policy);
    client.api = await connect(target, policy, client.reach);
    return client;
  }

  /** One call: timeout, explicit retry; `idempotent` false for writes a lost answer may have done. */
  private call<T>(what: string, fn: () => Promise<T>, idempotent = true): Promise<T> {
    const mapError = (e: unknown) => {
      const failure = networkFailureOf(e);
      return failure ? unreachable(failure, what, this.target.url) : toProxmoxError(e, what);
    };
    return apiCall(what, fn, { policy: this.policy, reach: this.reach, idempotent, mapError });
  }

  private vm(node: string, vmid: number) {
    return this.api.nodes.$(node).qemu.$(vmid);
  }

  listVms(): Promise<ProxmoxVmSummary[]> {
    return this.call('list VMs', async () => {
      const all = await this.api.cluster.resources.$get({ type: 'vm' });
      return all
        .filter((r) => r.type === 'qemu' && r.vmid !== undefined)
        .map((r) => ({ node: String(r.node), vmid: Number(r.vmid), name: String(r.name ?? ''), status: String(r.status ?? 'unknown'), ...(r.tags ? { tags: String(r.tags).split(/[;,\s]+/).filter(Boolean) } : {}) }));
    });
  }

  getVmConfig(node: string, vmid: number): Promise<ProxmoxVmConfig> {
    return this.call(`read config of VM ${vmid}`, async () => {
      // current=1: the running values, not the pending ones; the plan compares against those.
      const cfg = (await this.vm(node, vmid).config.$get({ current: true })) as Record<string, string | number>;
      const { digest, ...values } = cfg;
      return { digest: String(digest ?? ''), values };
    });
  }

  getVmPending(node: string, vmid: number) {
    return this.call(`read pending changes of VM ${vmid}`, async () => (await this.vm(node, vmid).pending.$get()) as Array<{ key: string; value?: string | number; pending?: string | number; delete?: number }>);
  }

  getVmStatus(node: string, vmid: number) {
    return this.call(`read status of VM ${vmid}`, async () => {
      const s = (await this.vm(node, vmid).status.current.$get()) as { status: string; qmpstatus?: string; uptime?: number; maxmem?: number; balloon?: number };
      return { status: s.status, ...(s.qmpstatus !== undefined ? { qmpstatus: s.qmpstatus } : {}), ...(s.uptime !== undefined ? { uptime: s.uptime } : {}), ...(s.maxmem !== undefined ? { maxmem: s.maxmem } : {}), ...(s.balloon !== undefined ? { balloon: s.balloon } : {}) };
    });
  }

  getNodeStatus(node: string) {
    return this.call(`read status of PVE node ${node}`, async () => {
      const s = (await this.api.nodes.$(node).status.$get()) as { memory: { total: number; used: number } };
      return { memoryTotal: s.memory.total, memoryUsed: s.memory.used };
    });
  }

  getTaskStatus(node: string, upid: string): Promise<ProxmoxTaskStatus> {
    return this.call(`read task ${upid}`, async () => {
      const s = (await this.api.nodes.$(node).tasks.$(upid).status.$get()) as { status: string; exitstatus?: string };
      return { upid, status: s.status === 'running' ? 'running' : 'stopped', ...(s.exitstatus ? { exitstatus: s.exitstatus } : {}) };
    });
  }

  getPermissions(): Promise<Record<string, Record<string, number>>> {
    return this.call("read this token's permissions", async () => (await this.api.access.permissions.$get()) as Record<string, Record<string, number>>);
  }

  setVmConfig(node: string, vmid: number, values: Record<string, string | number>, digest?: string): Promise<void> {
    return this.call(`update config of VM ${vmid}`, async () => {
      await this.vm(node, vmid).config.$put({ ...values, ...(digest ? { digest } : {}) } as never);
    }, false);
  }

  vmAction(node: string, vmid: number, action: VmAction, options?: { timeout?: number }): Promise<string> {
    // A power action whose answer was lost may have started: only resent when it never left (reboot-guard asks the task list).
    return this.call(`${action} VM ${vmid}`, async () => String(await this.vm(node, vmid).status[action].$post(options as never)), false);
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
    getPermissions: () => client.getPermissions(),
  };
}
