// A KubeReader for commands that mostly list (doctor): lists, discovery and /readyz over
// node:https with the kubeconfig's static credentials, without loading @kubernetes/client-node
// (~87 MB resident before the first request, more than all of doctor's data at 500 nodes).
// get and waitFor go to client-node's reader, loaded on first use, so their semantics (typed
// reads, watches) stay exactly as they are. A kubeconfig the static path does not cover gets
// client-node's reader for everything, as before.
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { DEFAULT_CALL_POLICY, Reachability } from '../api-call.js';
import type { CallPolicy } from '../api-call.js';
import type { KubeListQuery, KubeObject, KubeReader, KubeRef, WaitOptions } from '../ports.js';
import { kubeCaller, type KubeCaller } from './call.js';
import type { KubeTarget } from './config.js';
import { Discovery } from './discovery.js';
import { RawKube, type KubeEndpoint } from './http.js';
import { listPages } from './list-pages.js';
import { loadStaticKubeTarget } from './static-kubeconfig.js';
import type { StaticKubeTarget } from './static-target.js';

function staticEndpoint(t: StaticKubeTarget): KubeEndpoint {
  // One kept-alive agent for all requests, as the client-node reader's (keep-alive.ts).
  const agent = new Agent({ ...t.tls, keepAlive: true });
  return {
    server: t.server,
    authorize: async (opts) => {
      opts.agent = agent;
      const token = t.tokenFile ? (await readFile(t.tokenFile, 'utf8')).trim() : t.token;
      if (token) opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
    },
  };
}

export class PlainReader implements KubeReader {
  private readonly raw: RawKube;
  private readonly call: KubeCaller;
  private readonly discovery: Discovery;
  private full: Promise<KubeReader> | undefined;

  constructor(t: StaticKubeTarget, private readonly target: KubeTarget, private readonly policy: CallPolicy = DEFAULT_CALL_POLICY) {
    const reach = new Reachability();
    this.raw = new RawKube(staticEndpoint(t), policy.requestTimeoutMs, reach);
    this.call = kubeCaller(policy, reach, t.server);
    this.discovery = new Discovery(this.raw);
  }

  /** client-node's reader, for what the plain one leaves to it (its warnings were given once already). */
  private clientNode(): Promise<KubeReader> {
    this.full ??= fullReader({ ...this.target, warn: () => {} }, this.policy);
    return this.full;
  }

  list(q: KubeListQuery): Promise<KubeObject[]> {
    return listPages(this.raw, this.call, q, () => this.discovery.collectionPath(q.apiVersion, q.kind, q.namespace));
  }

  ready(): Promise<boolean> {
    return this.raw.ready();
  }

  async get(ref: KubeRef): Promise<KubeObject | undefined> {
    return (await this.clientNode()).get(ref);
  }

  async waitFor(ref: KubeRef, until: (obj: KubeObject | undefined) => boolean, options: WaitOptions): Promise<KubeObject | undefined> {
    return (await this.clientNode()).waitFor(ref, until, options);
  }
}

async function fullReader(target: KubeTarget, policy?: CallPolicy): Promise<KubeReader> {
  const [{ loadKubeConfig }, { ClientNodeReader }] = await Promise.all([import('./config.js'), import('./reader.js')]);
  return new ClientNodeReader(await loadKubeConfig(target), policy);
}

/** The plain reader when the kubeconfig has static credentials, else client-node's. */
export async function createListReader(target: KubeTarget, policy?: CallPolicy): Promise<KubeReader> {
  const t = loadStaticKubeTarget(target);
  return t ? new PlainReader(t, target, policy) : fullReader(target, policy);
}
