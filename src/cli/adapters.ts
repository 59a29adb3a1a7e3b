// Builds the adapter provider from flags and environment. Each adapter module is imported
// only when a step needs it, so `runbook validate` never loads the Kubernetes client.
import { lazyAdapters } from '../engine/adapters.js';
import type { AdapterProvider } from '../engine/adapters.js';
import type { CliIO } from './io.js';

export interface AdapterFlags {
  kubeconfig?: string;
  context?: string;
}

export function cliAdapters(io: CliIO, _flags: AdapterFlags): AdapterProvider {
  const shell = async () => (await import('../adapters/shell-zx.js')).createShellRunner(io.env);
  return lazyAdapters({ reader: {}, writer: { shell } });
}
