// client-node 2.x builds a new undici Agent for every request it sends
// (KubeConfig.applySecurityAuthentication calls createDispatcher each time, see
// @kubernetes/client-node dist/config.js), so every request opened its own TLS connection:
// doctor at 500 nodes opened one per request. One dispatcher per set of TLS options lets the
// requests reuse keep-alive connections, as kubectl does. Our raw requests (readiness,
// evictions, JSON patches, watches) go through the node:https Agent client-node caches per
// cluster and user (createAgent), built without keepAlive: it is asked for one that keeps them.
import type { KubeConfig } from '@kubernetes/client-node';

type MakeDispatcher = (cluster: unknown, agentOptions: Record<string, unknown>) => unknown;
type MakeAgent = (cluster: unknown, agentOptions: Record<string, unknown>) => unknown;

export function reuseConnections(kc: KubeConfig): void {
  const target = kc as unknown as { createDispatcher: MakeDispatcher; createAgent: MakeAgent };
  const make = target.createDispatcher.bind(kc);
  const made = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    // Client certificates from an exec plugin may rotate: they are part of the key.
    const key = JSON.stringify([cluster, agentOptions]);
    if (!made.has(key)) made.set(key, make(cluster, agentOptions));
    return made.get(key);
  };
  const makeAgent = target.createAgent.bind(kc);
  target.createAgent = (cluster, agentOptions) => makeAgent(cluster, { ...agentOptions, keepAlive: true });
}
