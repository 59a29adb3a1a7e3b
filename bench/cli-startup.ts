// Start-up beside kubectl, interleaved (help, validate, kubectl, help, ...) so load changes hit
// all alike: `runbook --help` and `runbook validate` of the shipped runbooks against
// `kubectl version --client`; the single executable (`npm run build:exe`) too when built; and
// how many files each loads (test/support/count-modules.mjs, the hook the lazy-imports test uses).
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { available, measure } from './child.js';
import { median, ms, type Row } from './stats.js';

export function shippedRunbooks(root: string): string[] {
  return ['purge-dead-node', 'fix-ballooning', 'unstick-metallb'].map((n) => join(root, 'runbooks', `${n}.yaml`));
}

function modulesLoaded(root: string, args: readonly string[]): Promise<number> {
  const hook = join(root, 'test', 'support', 'count-modules.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', hook, join(root, 'dist', 'src', 'cli', 'bin.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(Number(/^MODULES (\d+)$/m.exec(err)?.[1] ?? NaN)));
  });
}

export async function cliStartup(root: string, runs = 11): Promise<Row[]> {
  const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
  const exe = join(root, 'dist', 'runbook-linux-x64');
  const hasExe = existsSync(exe);
  const hasKubectl = await available('kubectl', ['version', '--client']);
  const validate = ['validate', ...shippedRunbooks(root)];
  const t = { help: [] as number[], validate: [] as number[], exeHelp: [] as number[], exeValidate: [] as number[], kubectl: [] as number[] };
  for (let i = 0; i < runs; i++) {
    t.help.push((await measure(process.execPath, [bin, '--help'])).ms);
    if (hasKubectl) t.kubectl.push((await measure('kubectl', ['version', '--client'])).ms);
    t.validate.push((await measure(process.execPath, [bin, ...validate])).ms);
    if (hasExe) {
      t.exeHelp.push((await measure(exe, ['--help'])).ms);
      t.exeValidate.push((await measure(exe, validate)).ms);
    }
  }
  const k = hasKubectl ? median(t.kubectl) : NaN;
  const help = median(t.help);
  const val = median(t.validate);
  const exeNote = (xs: number[]) => (hasExe ? `; executable ${ms(median(xs))} = ${(median(xs) / k).toFixed(2)}x` : '');
  const [helpModules, validateModules] = [await modulesLoaded(root, ['--help']), await modulesLoaded(root, validate)];
  return [
    {
      what: '`runbook --help`',
      goal: '<= 1.6x `kubectl version --client`',
      measured: `${ms(help)} vs ${ms(k)} = ${(help / k).toFixed(2)}x${exeNote(t.exeHelp)}; ${helpModules} files loaded`,
      met: hasKubectl ? help / k <= 1.6 : null,
      figures: { ms: help, kubectlMs: k, ratio: help / k, modules: helpModules, ...(hasExe ? { exeMs: median(t.exeHelp) } : {}) },
    },
    {
      what: '`runbook validate` (3 shipped runbooks)',
      goal: '<= 1.6x kubectl, <= 100 ms',
      measured: `${ms(val)} = ${(val / k).toFixed(2)}x${exeNote(t.exeValidate)}; ${validateModules} files loaded`,
      met: hasKubectl ? val / k <= 1.6 && val <= 100 : null,
      figures: { ms: val, kubectlMs: k, ratio: val / k, modules: validateModules, ...(hasExe ? { exeMs: median(t.exeValidate), exeMiB: statSync(exe).size / 2 ** 20 } : {}) },
    },
  ];
}
