// Runs step types through the real engine (parse -> preflight -> plan -> apply/verify ->
// rollback, with a journal on disk) against the lab servers on 127.0.0.1: the Kubernetes API
// simulator and the Proxmox VE simulator, reached over HTTPS with our real adapters.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from '../../src/zod.js';
import { createKubeAdapters } from '../../src/adapters/kube/adapter.js';
import type { KubeAdapters } from '../../src/adapters/kube/adapter.js';
import { ProxmoxApiClient, readOnly } from '../../src/adapters/proxmox/client.js';
import { createShellRunner } from '../../src/adapters/shell-zx.js';
import type { AdapterProvider } from '../../src/engine/adapters.js';
import { lazyAdapters } from '../../src/engine/adapters.js';
import { createRegistry, defineStep } from '../../src/step/define-step.js';
import type { StepDefinition } from '../../src/step/define-step.js';
import { readJournal } from '../../src/engine/journal.js';
import type { JournalRecord } from '../../src/engine/journal-records.js';
import { planRunbook, runRunbook } from '../../src/engine/run.js';
import type { PlanOutcome, RunOutcome } from '../../src/engine/run.js';
import { renderKubeconfig } from '../../src/lab/kube/kubeconfig.js';
import { startKubeServer } from '../../src/lab/kube/server.js';
import type { KubeServer } from '../../src/lab/kube/server.js';
import { KubeStore } from '../../src/lab/kube/store.js';
import { startProxmoxServer } from '../../src/lab/proxmox/server.js';
import type { ProxmoxServer } from '../../src/lab/proxmox/server.js';
import { ProxmoxState } from '../../src/lab/proxmox/state.js';
import type { ProxmoxSpec } from '../../src/lab/proxmox/state.js';
import { createLabTls } from '../../src/lab/tls.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { coerceParams } from '../../src/runbook/params.js';
import { builtinSteps } from '../../steps/index.js';

/** A step that always fails: placed after a step, it makes the engine roll that step back. */
const fail = defineStep({
  type: 'test.fail',
  description: 'always fails',
  params: z.object({ reason: z.string().default('boom') }).strict(),
  uses: [],
  destructive: false,
  permissions: [],
  async plan() {
    return [{ op: 'action', target: 'nothing', summary: 'fails' }];
  },
  async apply({ params }) {
    throw new Error(params.reason);
  },
});

export const registry = createRegistry([...builtinSteps, fail as unknown as StepDefinition]);

export const HEAD = 'apiVersion: runbook.dev/v1\nname: steps-test\ndescription: step type test\n';

export interface KubeLab {
  store: KubeStore;
  server: KubeServer;
  kube: KubeAdapters;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function startKubeLab(): Promise<KubeLab> {
  const tls = await createLabTls();
  const store = new KubeStore();
  store.seedDefaults();
  const token = `lab-${Math.random().toString(36).slice(2)}`;
  const server = await startKubeServer({ store, tls, token });
  const dir = await mkdtemp(join(tmpdir(), 'steps-kube-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, renderKubeconfig({ server: server.url, caPem: tls.caPem, token }));
  const kube = await createKubeAdapters({ kubeconfig: kubeconfigPath });
  return {
    store, server, kube, kubeconfigPath,
    stop: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const PVE_TOKEN_ID = 'root@pam!runbook';
const PVE_TOKEN_SECRET = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';

export interface ProxmoxLab {
  state: ProxmoxState;
  server: ProxmoxServer;
  client: ProxmoxApiClient;
  /** the lab CA, for clients with other tokens */
  caFile: string;
  stop(): Promise<void>;
}

export async function startProxmoxLab(spec: Omit<ProxmoxSpec, 'tokens'>): Promise<ProxmoxLab> {
  const tls = await createLabTls();
  const state = ProxmoxState.fromSpec({ ...spec, tokens: [{ id: PVE_TOKEN_ID, secret: PVE_TOKEN_SECRET }] });
  const server = await startProxmoxServer({ state, tls });
  const dir = mkdtempSync(join(tmpdir(), 'steps-pve-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, tls.caPem);
  const client = await ProxmoxApiClient.connect({ url: server.url, tokenId: PVE_TOKEN_ID, tokenSecret: PVE_TOKEN_SECRET, caFile, insecure: false });
  return {
    state, server, client, caFile,
    stop: async () => {
      state.dispose();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function adapters(labs: { kube?: KubeLab; proxmox?: ProxmoxLab }): AdapterProvider {
  const { kube, proxmox } = labs;
  return lazyAdapters({
    reader: {
      ...(kube ? { kube: async () => kube.kube.reader } : {}),
      ...(proxmox ? { proxmox: async () => readOnly(proxmox.client) } : {}),
    },
    writer: {
      ...(kube ? { kube: async () => kube.kube.writer } : {}),
      ...(proxmox ? { proxmox: async () => proxmox.client } : {}),
      shell: () => createShellRunner(process.env),
    },
  });
}

function parse(yaml: string) {
  const { runbook, diagnostics } = parseRunbook(yaml, 'steps-test.yaml', registry);
  if (!runbook) throw new Error(`invalid test runbook:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n')}`);
  return runbook;
}

export interface Ran extends RunOutcome {
  journal: JournalRecord[];
}

/** Runs a runbook through the engine with --yes; returns the outcome and its journal. */
export async function run(yaml: string, provider: AdapterProvider): Promise<Ran> {
  const stateDir = mkdtempSync(join(tmpdir(), 'steps-state-'));
  const runbook = parse(yaml);
  // As the CLI does: param defaults filled in and typed before the engine sees them.
  const coerced = coerceParams(runbook, {});
  if (coerced.errors.length) throw new Error(coerced.errors.join('\n'));
  const out = await runRunbook({
    runbook,
    registry,
    adapters: provider,
    params: coerced.values,
    stateDir,
    confirm: async () => true,
    interactive: false,
    yes: true,
    onInterrupt: async () => 'rollback',
  });
  return { ...out, journal: await readJournal(stateDir, out.runId) };
}

/** Preflight + plan only (what `runbook plan` shows); writes nothing. */
export function plan(yaml: string, provider: AdapterProvider): Promise<PlanOutcome> {
  return planRunbook({ runbook: parse(yaml), registry, params: {}, adapters: provider });
}

export function outputsOf(out: RunOutcome, key: string): Record<string, unknown> | undefined {
  return out.execution?.applied.find((e) => e.key === key)?.outputs as Record<string, unknown> | undefined;
}
