// CLI start-up beside kubectl: median wall time of `runbook --help`, `runbook validate` and
// `kubectl version --client` over several runs (each a fresh process, as a person sees it);
// the single executable (`npm run build:exe`) beside the plain CLI when it is built, and its size.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { median, type Figure } from './stats.js';

function timeRun(cmd: string, args: string[], runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    if (r.status !== 0 && r.error) throw r.error;
    out.push(performance.now() - t0);
  }
  return out;
}

export function cliStartup(root: string, runs = 9): Figure[] {
  const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
  const shipped = ['purge-dead-node', 'fix-ballooning', 'unstick-metallb'].map((n) => join(root, 'runbooks', `${n}.yaml`));
  const figures: Figure[] = [
    { name: 'runbook --help', value: median(timeRun(process.execPath, [bin, '--help'], runs)), unit: 'ms' },
    { name: 'runbook validate (3 shipped runbooks)', value: median(timeRun(process.execPath, [bin, 'validate', ...shipped], runs)), unit: 'ms' },
  ];
  const exe = join(root, 'dist', 'runbook-linux-x64');
  if (existsSync(exe)) {
    figures.push(
      { name: 'runbook-linux-x64 --help (single executable)', value: median(timeRun(exe, ['--help'], runs)), unit: 'ms' },
      { name: 'runbook-linux-x64 validate (3 shipped runbooks)', value: median(timeRun(exe, ['validate', ...shipped], runs)), unit: 'ms' },
      { name: 'runbook-linux-x64 size', value: statSync(exe).size / 2 ** 20, unit: 'MiB' },
    );
  }
  const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  if (!kubectl.error) figures.push({ name: 'kubectl version --client (for comparison)', value: median(timeRun('kubectl', ['version', '--client'], runs)), unit: 'ms' });
  return figures;
}
