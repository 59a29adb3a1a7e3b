// `runbook completion bash`, sourced in a real bash that is then asked for completions the way
// bash's programmable completion asks (COMP_WORDS/COMP_CWORD, then the registered function):
// commands, flags, runbook names from the search path, a runbook's params and enum values,
// node names from the lab cluster, nothing (and no wait beyond the bound) from a dead one.
// fish answers the same through its own `complete -C`; the zsh script is only parsed (zsh -n);
// kubectl asks the kubectl_complete-runbook script for `kubectl runbook ...`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binDirWith, builtExe } from '../support/exe.js';
import { useLab } from '../support/two-labs.js';

const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'runbook-completion-'));
const labs = useLab(join(root, 'lab'));
let blackHole: Server;
const held: Socket[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  const bin = binDirWith(join(root, 'bin'), [], { runbook: builtExe() });
  env = { PATH: `${bin}:/usr/bin:/bin`, HOME: root };
  // Accepts connections and never answers: a cluster that hangs.
  blackHole = createServer((s) => void held.push(s)).listen(0, '127.0.0.1');
  await new Promise((r) => blackHole.once('listening', r));
});

afterAll(async () => {
  for (const s of held) s.destroy();
  blackHole?.close();
});

/** What bash offers for the command line `words` (the last word is the one being completed). */
async function complete(words: string[], extraEnv: Record<string, string> = {}): Promise<string[]> {
  const script = [
    'source <(runbook completion bash)',
    'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
    '"$(complete -p runbook | sed -E "s/.* -F ([^ ]+) .*/\\1/")"',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout } = await exec('bash', ['--norc', '--noprofile', '-c', script, 'bash', ...words], { encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 60_000 });
  return stdout.split('\n').filter(Boolean);
}

describe('runbook completion', () => {
  it('registers for runbook and kubectl-runbook', async () => {
    const { stdout } = await exec('bash', ['--norc', '-c', 'source <(runbook completion bash); complete -p runbook kubectl-runbook'], { encoding: 'utf8', env });
    expect(stdout).toBe('complete -o default -F _runbook_complete runbook\ncomplete -o default -F _runbook_complete kubectl-runbook\n');
  });

  it('completes commands, runbook names, flags and enum values', async () => {
    expect(await complete(['runbook', 'pl'])).toEqual(['plan']);
    expect(await complete(['runbook', 'r'])).toEqual(['run', 'rollback', 'resume', 'restore', 'rbac']);
    expect(await complete(['runbook', 'run', 'purge'])).toEqual(['purge-dead-node']);
    expect(await complete(['runbook', 'describe', ''])).toEqual(['cluster-hygiene', 'drain-node', 'fix-ballooning', 'purge-dead-node', 'reboot-node', 'unstick-metallb']);
    expect(await complete(['runbook', 'run', 'purge-dead-node', '--no-w'])).toEqual(['--no-wait-scheduled']);
    expect(await complete(['runbook', 'plan', 'cluster-hygiene', '--fi'])).toEqual(['--fix']);
    expect(await complete(['runbook', 'run', 'cluster-hygiene', '--fix', ''])).toEqual(['none', 'safe']);
    expect(await complete(['runbook', 'completion', ''])).toEqual(['bash', 'zsh', 'fish', 'kubectl']);
    expect(await complete(['runbook', 'lab', 'st'])).toEqual(['start', 'status', 'stop']);
  }, 120_000); // nine completions, each a fresh process: room for a loaded CI machine

  it('finds user runbooks on the search path (--runbooks-dir, $RUNBOOK_PATH) and their params', async () => {
    const dir = join(root, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'my-check.yaml'), 'apiVersion: runbook.dev/v1\nname: my-check\ndescription: d\nparams:\n  mode: { type: enum, values: [fast, thorough], default: fast, description: how }\nsteps:\n  - { id: a, uses: k8s.cordon, with: { node: n1 } }\n');
    expect(await complete(['runbook', '--runbooks-dir', dir, 'run', 'my'])).toEqual(['my-check']);
    expect(await complete(['runbook', 'plan', 'my-check', '--mode', ''], { RUNBOOK_PATH: dir })).toEqual(['fast', 'thorough']);
  });

  it('fish: the same answers through fish\'s own completion (complete -C); zsh: the script parses', async () => {
    const fish = (line: string) => exec('fish', ['--no-config', '-c', `runbook completion fish | source; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8', env });
    expect((await fish('runbook run purge')).stdout).toBe('purge-dead-node\n');
    expect((await fish('runbook run cluster-hygiene --fix ')).stdout).toBe('none\nsafe\n');
    const zsh = join(root, '_runbook');
    writeFileSync(zsh, (await exec('runbook', ['completion', 'zsh'], { encoding: 'utf8', env })).stdout);
    await expect(exec('zsh', ['-n', zsh], { env })).resolves.toMatchObject({ stderr: '' });
  });

  it('kubectl runbook: kubectl (1.26+) asks the kubectl_complete-runbook script it prints', async () => {
    const bin = binDirWith(join(root, 'kubectl-bin'), ['kubectl'], { 'kubectl-runbook': builtExe() });
    const script = join(bin, 'kubectl_complete-runbook');
    writeFileSync(script, (await exec('runbook', ['completion', 'kubectl'], { encoding: 'utf8', env })).stdout, { mode: 0o755 });
    // kubectl's own hidden completion entry point, as its shell scripts call it.
    const { stdout } = await exec('kubectl', ['__complete', 'runbook', 'run', 'cluster-hygiene', '--fix', ''], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: root } });
    expect(stdout.split('\n').filter(Boolean)).toEqual(['none', 'safe', ':0']);
  });

  it('offers the node names of the current cluster for --node/--nodes, and nothing from a cluster that hangs', async () => {
    // The bound is raised here so a loaded CI machine cannot turn this into a timing test.
    const generous = { KUBECONFIG: labs.lab.kubeconfigPath, RUNBOOK_COMPLETION_TIMEOUT: '20s' };
    expect(await complete(['runbook', 'plan', 'purge-dead-node', '--node', 'k3s-rep'], generous)).toEqual(['k3s-replica-0', 'k3s-replica-1', 'k3s-replica-2']);
    expect(await complete(['runbook', 'run', 'fix-ballooning', '--nodes', 'k3s-s'], generous)).toEqual(['k3s-server-0', 'k3s-server-1', 'k3s-server-2']);
    const hanging = join(root, 'hanging-kubeconfig');
    const { port } = blackHole.address() as { port: number };
    writeFileSync(hanging, (await import('node:fs')).readFileSync(labs.lab.kubeconfigPath, 'utf8').replace(/server: \S+/, `server: https://127.0.0.1:${port}`));
    expect(await complete(['runbook', 'plan', 'purge-dead-node', '--node', ''], { KUBECONFIG: hanging })).toEqual([]);
  });
});
