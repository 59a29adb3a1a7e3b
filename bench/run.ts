// `npm run bench`: the issue-14 table, every row measured in this run (comparisons interleaved,
// medians), with the load average before and after; writes bench-results.json. Never asserts on
// time (tests don't either): a missed goal is printed, not failed.
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { cliStartup } from './cli-startup.js';
import { compileScaling, engineOverhead } from './engine.js';
import { fixBallooningRow, planRow, scaleRows } from './labs.js';
import type { Row } from './stats.js';

const root = packageRoot();
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const exe = join(root, 'dist', 'runbook-linux-x64');
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const say = (s: string) => process.stdout.write(`${s}\n`);
const nodes = Number(process.env.RUNBOOK_BENCH_NODES ?? 500);

const loadBefore = load();
say(`load average before: ${loadBefore} (${process.env.RUNBOOK_BENCH_NODES ? `${nodes} nodes` : 'scale:500'})`);
const rows: Row[] = [];
const step = async (what: string, f: () => Promise<Row | Row[]> | Row | Row[]) => {
  process.stderr.write(`measuring ${what}...\n`);
  rows.push(...[await f()].flat());
};
await step('start-up', () => cliStartup(root));
await step('plan', () => planRow(bin, existsSync(exe) ? exe : undefined));
await step('compile', compileScaling);
await step(`doctor and the lab at scale:${nodes}`, () => scaleRows(bin, nodes));
await step('fix-ballooning', () => fixBallooningRow(bin));
await step('engine overhead', () => engineOverhead());
const loadAfter = load();

say('\n| what | goal | measured | met |\n|---|---|---|---|');
for (const r of rows) say(`| ${r.what} | ${r.goal} | ${r.measured} | ${r.met === null ? '-' : r.met ? 'yes' : 'NO'} |`);
say(`\nload average after: ${loadAfter}; node ${process.version}`);
const file = join(process.cwd(), 'bench-results.json');
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, loadBefore, loadAfter, rows }, null, 2)}\n`);
say(`wrote ${file}`);
