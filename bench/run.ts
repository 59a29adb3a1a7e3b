// `npm run bench`: prints figures; never asserts on time (tests don't either).
import { packageRoot } from '../src/package-root.js';
import { cliStartup } from './cli-startup.js';
import { compileScaling, engineOverhead } from './engine.js';
import type { Figure } from './stats.js';

const print = (f: Figure) => process.stdout.write(`${f.name.padEnd(60)} ${f.value.toFixed(f.value < 10 ? 2 : 0).padStart(8)} ${f.unit}\n`);

const sections: [string, () => Figure[] | Promise<Figure[]>][] = [
  ['CLI start-up (median of 9 runs)', () => cliStartup(packageRoot())],
  ['Runbook size', compileScaling],
  ['Engine', () => engineOverhead()],
];
for (const [title, fn] of sections) {
  process.stdout.write(`\n${title}\n`);
  for (const f of await fn()) print(f);
}
