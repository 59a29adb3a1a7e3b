// `runbook lab demo` (the README's first command): a fresh incident lab, the Before picture,
// the incident's three fixes run against it exactly as a person would run them (approved with
// --yes: it is a lab), then the After picture and what the diagnosis says now. The lab is
// stopped and its directory kept so it can be served and looked at again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterPicture } from './cluster-picture.js';
import type { GlobalFlags } from './context.js';
import type { CliIO } from './io.js';

// The order the diagnosis proposes: infrastructure first.
const DEMO_STEPS: string[][] = [
  ['run', 'fix-ballooning', '--nodes', 'k3s-replica-0,k3s-replica-1,k3s-server-0,k3s-server-1,k3s-server-2', '--memory', '2048', '--yes'],
  ['run', 'purge-dead-node', '--node', 'k3s-replica-2', '--yes'],
  ['run', 'unstick-metallb', '--yes'],
];

/** `run` runs one command line as main() does (passed in: importing main here would be a circle). */
export async function runDemo(io: CliIO, flags: GlobalFlags, run: (argv: readonly string[], io: CliIO) => Promise<number>): Promise<number> {
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'runbook-demo-'));
  const [{ startLab }, { createKubeAdapters }] = await Promise.all([import('../lab/lab.js'), import('../adapters/kube/adapter.js')]);
  // Reboots take a second here, not a minute: same protocol, shorter wait.
  const lab = await startLab({ dir: join(root, 'lab'), scenario: 'incident-2025-08', rebootSeconds: 1 });
  let worst = 0;
  try {
    io.out(`Lab "incident-2025-08" serving on 127.0.0.1 (files in ${lab.dir}):\n  export KUBECONFIG=${lab.kubeconfigPath}\n  export PROXMOX_ENV_FILE=${lab.proxmoxEnvPath}\n\n`);
    const kube = await createKubeAdapters({ kubeconfig: lab.kubeconfigPath });
    io.out(`Before: the cluster as the incident found it\n\n${(await clusterPicture(kube.reader)).text}`);
    const env = { ...io.env, KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath };
    for (const args of DEMO_STEPS) {
      io.out(`\n$ runbook ${args.join(' ')}\n`);
      const code = await run(['--state-dir', flags.stateDir ?? join(root, 'state'), ...args], { ...io, env });
      worst = Math.max(worst, code);
      if (code !== 0) break; // later fixes build on earlier ones
    }
    lab.settle();
    io.out(`\nAfter\n\n${(await clusterPicture(kube.reader)).text}`);
    const [{ diagnose }, { summaryTable }, { resolveProxmoxTarget }, { ProxmoxApiClient, readOnly }] = await Promise.all([
      import('../diagnose/diagnose.js'),
      import('../diagnose/report.js'),
      import('../adapters/proxmox/config.js'),
      import('../adapters/proxmox/client.js'),
    ]);
    const proxmox = readOnly(await ProxmoxApiClient.connect(resolveProxmoxTarget({ proxmoxEnvFile: lab.proxmoxEnvPath }, {})));
    io.out(`\nWhat \`runbook doctor\` finds now:\n${summaryTable(await diagnose({ kube: kube.reader, proxmox }))}`);
  } finally {
    await lab.stop();
  }
  io.out(`\nDemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; the lab state is kept in ${lab.dir}\n(\`runbook lab start --dir ${lab.dir}\` serves it again).\n`);
  return worst;
}
