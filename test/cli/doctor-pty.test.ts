// `runbook doctor` as a person at a terminal uses it: a real pseudo-terminal (util-linux
// `script`), the prompts answered as they appear, the incident lab fixed end to end.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { builtBin } from '../support/cli.js';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g; // eslint-disable-line no-control-regex
const UP_UP_THEN_ENTER = '\x1b[A\x1b[A\r'; // from the default (No) to "Yes: the whole plan"
let lab: Lab | undefined;

afterAll(async () => {
  await lab?.stop();
});

describe('runbook doctor in a terminal', () => {
  it('proposes the fixes, runs each after one approval of its plan, and ends with the cluster fixed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-doctor-pty-'));
    lab = await startLab({ dir: join(root, 'lab'), rebootSeconds: 0.2 });
    lab.settle();
    const command = [process.execPath, builtBin(), '--state-dir', join(root, 'state'), 'doctor'].map((a) => `'${a}'`).join(' ');
    // A pseudo-terminal starts 0x0: give it a size, or the progress renderer has no room to draw.
    const child = spawn('script', ['-qfec', `stty cols 160 rows 50; exec ${command}`, '/dev/null'], {
      env: { ...process.env, CI: '', KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    const answered = new Set<string>();
    let menuAnswered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8').replace(ANSI, '').replace(/\r\n/g, '\n');
      if (!menuAnswered && screen.includes('What next?')) {
        menuAnswered = true;
        child.stdin.write('\r'); // the first choice: run the proposed fixes in order
      }
      // Each plan's approval is answered once (the whole plan), however often the prompt re-renders.
      for (const m of screen.matchAll(/\? Apply this plan \(plan digest ([0-9a-f]{12})\)\?/g)) {
        if (answered.has(m[1]!)) continue;
        answered.add(m[1]!);
        child.stdin.write(UP_UP_THEN_ENTER);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearTimeout(timer);

    expect(screen).toMatch(/Proposed, in this order \(root causes first\):\n\s+1\. runbook run fix-ballooning/);
    expect(screen).toMatch(/Run \S+ succeeded: 26 step\(s\) applied\./); // fix-ballooning: the selection, then 5 steps for each of 5 nodes
    expect(screen).toMatch(/Run \S+ succeeded: 4 step\(s\) applied\./); // purge-dead-node, pods scheduled again
    expect(screen).toMatch(/Run \S+ succeeded: 4 step\(s\) applied\./); // unstick-metallb
    expect(screen).toMatch(/Resolved \(\d+\):[\s\S]*balloons down to 516 MiB[\s\S]*Still there/);
    expect(screen).toMatch(/No runbook fixes what is left/);
    // One approval per plan: fix-ballooning, purge-dead-node and unstick-metallb, never a question per step.
    expect(answered.size).toBe(3);
    expect(screen).not.toMatch(/It changes the cluster/);
    // What is left is the memory limits no runbook sets: warnings, exit 6.
    expect(code).toBe(6);
  }, 120_000);
});
