// Loads a kubeconfig the way kubectl does: --kubeconfig, else $KUBECONFIG, else ~/.kube/config,
// else the in-cluster service account (a CronJob). --context picks a context.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { RunbookError } from '../../errors.js';
import { didYouMean } from '../../suggest.js';
import { reuseConnections } from './keep-alive.js';

export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
  /** The environment to read KUBECONFIG, HOME and the in-cluster variables from (the CLI's, injected). */
  env?: Record<string, string | undefined>;
  /** Called once when the kubeconfig turns TLS verification off (the user's explicit opt-out). */
  warn?: (message: string) => void;
  /** Where the pod's service account is mounted, for the plain reader (default the standard path; tests point elsewhere). */
  serviceAccountDir?: string;
}

/** Where the kubeconfig comes from, in kubectl's order: the files to load, or the pod's service account. */
export function kubeconfigSource(target: KubeTarget): { files: string[] } | { inCluster: true } {
  const env = target.env ?? {};
  // kubectl's order: --kubeconfig, then every file in $KUBECONFIG (merged), then ~/.kube/config,
  // then the in-cluster service account. client-node's loadFromDefault() would read
  // process.env and, finding nothing, quietly point at http://localhost:8080.
  if (target.kubeconfig) return { files: [target.kubeconfig] };
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f && existsSync(f));
  if (fromEnv.length) return { files: fromEnv };
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return { files: [home] };
  if (env.KUBERNETES_SERVICE_HOST) return { inCluster: true };
  throw new RunbookError('E_KUBECONFIG', 'no kubeconfig found: KUBECONFIG is unset (or names no existing file), ~/.kube/config does not exist and this is not a pod', {
    hint: 'pass --kubeconfig FILE or set KUBECONFIG (for the lab: eval "$(runbook lab start --detach)")',
  });
}

/** The one warning for a kubeconfig that turns TLS verification off, whichever client reads it. */
export function skipTlsWarning(cluster: string): string {
  return `warning: kubeconfig cluster "${cluster}" disables TLS verification (insecure-skip-tls-verify)`;
}

export async function loadKubeConfig(target: KubeTarget): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    const source = kubeconfigSource(target);
    if ('inCluster' in source) kc.loadFromCluster();
    else {
      kc.loadFromFile(source.files[0]!);
      for (const more of source.files.slice(1)) {
        const other = new KubeConfig();
        other.loadFromFile(more);
        kc.mergeConfig(other, true);
      }
    }
  } catch (e) {
    if (e instanceof RunbookError) throw e;
    throw new RunbookError('E_KUBECONFIG', `cannot load kubeconfig${target.kubeconfig ? ` ${target.kubeconfig}` : ''}: ${(e as Error).message}`, {
      hint: 'pass --kubeconfig FILE or set KUBECONFIG',
    });
  }
  if (target.context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(target.context)) {
      throw new RunbookError('E_KUBECONTEXT', `no context "${target.context}" in the kubeconfig`, { hint: didYouMean(target.context, names) ?? `contexts: ${names.join(', ')}` });
    }
    kc.setCurrentContext(target.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new RunbookError('E_KUBECONFIG', 'the kubeconfig has no current cluster', { hint: 'pick one with --context' });
  if (cluster.skipTLSVerify) target.warn?.(skipTlsWarning(cluster.name));
  reuseConnections(kc);
  return kc;
}
