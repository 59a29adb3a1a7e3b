// `runbook doctor` on a small terminal (80x24) and a wide one, in a real pseudo-terminal:
// the findings summary comes first and is paged so the fixes and a three-line menu stay on
// screen; "Explain" asks for a number and leaves the explanation visible above the next
// question; Ctrl-C at the menu is an interrupt (130), Esc declines (4), never a stack trace.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import type { PtySession } from '../support/pty.js';
import { KEY, startPty } from '../support/pty.js';

const root = mkdtempSync(join(tmpdir(), 'runbook-doctor-screen-'));
let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ dir: join(root, 'lab') });
  lab.settle();
});
afterAll(async () => {
  await lab?.stop();
});

const STACK = /ERR_USE_AFTER_CLOSE|internal error|\n\s+at \S+ \(/;
const PAUSE = /\? -- \d+ more line\(s\): Enter shows them, q skips --/g;

function doctor(cols: number): PtySession {
  return startPty(['--state-dir', join(root, `state-${cols}`), 'doctor'], { env: { KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath, NO_COLOR: '1' }, cols, rows: 24 });
}

/** Pages through the findings (Enter at each pause) until the menu asks; returns where it asked. */
async function untilMenu(pty: PtySession): Promise<number> {
  for (let pauses = 1; ; pauses++) {
    const m = await pty.waitFor(new RegExp(`\\? What next\\?|(?:${PAUSE.source}[\\s\\S]*?){${pauses}}`));
    if (m[0].includes('What next?')) return m.index!;
    pty.write(KEY.enter);
  }
}

/** The lines doctor printed itself (prompt lines are enquirer's, re-drawn in place). */
const printed = (text: string) => text.split('\n').filter((l) => !/^\s*[?✔✖‣] |‣/.test(l));

describe('runbook doctor on a small terminal', () => {
  it('fits 80x24: paged summary, a three-line menu, explanations that stay visible, Esc declines', async () => {
    const pty = doctor(80);
    const menuAt = await untilMenu(pty);
    const before = pty.screen().slice(0, menuAt);
    // Summary first, every line fits the width, no page taller than the screen.
    expect(before).toMatch(/^\s*\d+ finding\(s\): \d+ critical/);
    for (const line of printed(before)) expect(line.length).toBeLessThanOrEqual(80);
    // Each page, and the last one with the fixes and the menu, fits in 24 rows.
    const screens = before.split(PAUSE).map((page) => printed(page.replace(/\n$/, '')).length);
    expect(screens.length).toBeGreaterThan(1);
    for (const lines of screens.slice(0, -1)) expect(lines + 1).toBeLessThanOrEqual(24); // + the pause
    expect(screens.at(-1)! + 4).toBeLessThanOrEqual(24); // + the question and its three choices
    expect(before).toMatch(/Proposed, in this order \(root causes first\):\n\s+1\. runbook run fix-ballooning/);
    // The menu: run the fixes / explain one by number / quit; nothing per finding.
    const menu = await pty.waitFor(/What next\?[\s\S]*Quit/);
    expect(menu[0]).toMatch(/Run the 3 proposed fix\(es\) in order/);
    expect(menu[0]).toMatch(/Explain a finding \(by its number, 1-\d+\)/);
    expect(menu[0]).not.toMatch(/Explain #|Run only/);

    pty.write(KEY.down + KEY.enter);
    const askedAt = (await pty.waitFor(/Which finding\? \(1-\d+\)/)).index!;
    pty.write(`3${KEY.enter}`);
    const again = await pty.waitFor(/balloons down to[\s\S]*lesson:[\s\S]*\? What next\?/, askedAt);
    // The explanation is what precedes the menu now: the table is not printed over it.
    expect(again[0]).not.toMatch(/#\s+SEV\s+FINDING/);
    expect(pty.screen()).not.toMatch(/explain:\d|· (?:all|explain|quit)\b/);
    for (const line of printed(again[0])) expect(line.length).toBeLessThanOrEqual(80);

    pty.write(KEY.esc);
    expect(await pty.exit).toBe(4);
    expect(pty.screen()).toMatch(/Declined: nothing was run/);
    expect(pty.screen()).not.toMatch(STACK);
  }, 120_000);

  it('Ctrl-C at the menu is an interrupt: exit 130, no stack trace (160 columns)', async () => {
    const pty = doctor(160);
    await untilMenu(pty);
    await pty.waitFor(/What next\?[\s\S]*Quit/);
    pty.write(KEY.ctrlC);
    expect(await pty.exit).toBe(130);
    expect(pty.screen()).toMatch(/interrupted at the prompt; nothing more was changed/);
    expect(pty.screen()).not.toMatch(STACK);
  }, 120_000);

  it('Ctrl-C at the first fix\'s question ends the run interrupted and doctor with it (130)', async () => {
    const pty = doctor(80);
    await untilMenu(pty);
    await pty.waitFor(/What next\?[\s\S]*Quit/);
    pty.write(KEY.enter); // run the proposed fixes
    // The run's first question (the whole plan, or its first step's; listr2 wraps it at 80 columns).
    await pty.waitFor(/\$ runbook run fix-ballooning[\s\S]*\? (?:Apply this plan|Run [\s\S]*?It\s+changes)/);
    const at = pty.screen().length;
    pty.write(KEY.ctrlC);
    // fix-ballooning has applied its read-only selection by then: the run may ask keep/rollback.
    const next = await pty.waitFor(/Roll back the steps completed so far\?/, at).then(() => 'asked', () => 'exited');
    if (next === 'asked') pty.write(KEY.enter);
    expect(await pty.exit).toBe(130);
    expect(pty.screen().slice(at)).toMatch(/Run \S+ (?:interrupted|rolled back)|interrupted/);
    expect(pty.screen()).not.toMatch(/Diagnosis again|\$ runbook run purge-dead-node/);
    expect(pty.screen()).not.toMatch(STACK);
  }, 120_000);

  it('a report-only cluster-hygiene run in a terminal shows its verdict as findings, not as a failure', async () => {
    const pty = startPty(['--state-dir', join(root, 'state-hygiene'), 'run', 'cluster-hygiene'], { env: { KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath, NO_COLOR: '1' }, cols: 80, rows: 24 });
    expect(await pty.exit).toBe(7);
    expect(pty.screen()).toMatch(/✔ Diagnose again and judge: the cluster has critical findings/);
    expect(pty.screen()).toMatch(/finished with findings \(exit 7\)/);
    expect(pty.screen()).not.toMatch(/✖|FAILED|not run/);
  }, 120_000);
});
