// Loads a kubeconfig the way kubectl does: --kubeconfig, else $KUBECONFIG, else ~/.kube/config,
// else the in-cluster service account (a CronJob). --context picks a context.
import type { KubeConfig } from '@kubernetes/client-node';
import { RunbookError } from '../../errors.js';
import { didYouMean } from '../../suggest.js';

export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
  /** Called once when the kubeconfig turns TLS verification off (the user's explicit opt-out). */
  warn?: (message: string) => void;
}

export async function loadKubeConfig(target: KubeTarget): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
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
  if (cluster.skipTLSVerify) target.warn?.(`warning: kubeconfig cluster "${cluster.name}" disables TLS verification (insecure-skip-tls-verify)`);
  return kc;
}
