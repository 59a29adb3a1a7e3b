// `runbook doctor` in a real terminal emulator (tmux, 80x24): the arrow keys move the cursor in
// place, the question stays on the screen, nothing is left behind in the scrollback. (Before,
// a 30-line menu overflowed 24 rows: every arrow key left a stale copy of it in the scrollback.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import type { TmuxSession } from '../support/tmux.js';
import { startTmux } from '../support/tmux.js';

const root = mkdtempSync(join(tmpdir(), 'runbook-doctor-tmux-'));
let lab: Lab;
let term: TmuxSession | undefined;
beforeAll(async () => {
  lab = await startLab({ dir: join(root, 'lab') });
  lab.settle();
});
afterAll(async () => {
  term?.kill();
  await lab?.stop();
});

const lastLine = (screen: string) => screen.trimEnd().split('\n').at(-1) ?? '';

describe('runbook doctor at 80x24 in tmux', () => {
  it('pages to a three-line menu that arrow keys redraw in place, with the question on screen', async () => {
    term = startTmux(['--state-dir', join(root, 'state'), 'doctor'], { env: { KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath, NO_COLOR: '1' }, cols: 80, rows: 24 });
    // Enter at each pause until the menu is the last thing on the screen.
    for (;;) {
      const screen = await term.waitFor(/^\? -- \d+ more line\(s\)|^\s+Quit\s*$/m);
      if (/Quit/.test(lastLine(screen))) break;
      if (/^\? -- /.test(lastLine(screen))) {
        term.keys('Enter');
        await term.waitFor(/^✔ -- \d+ more line\(s\)/m);
      }
    }
    // Six moves that end on Quit: the screen shows it only once all six were drawn.
    for (const key of ['Down', 'Down', 'Up', 'Up', 'Down', 'Down']) term.keys(key);
    const screen = await term.waitFor(/Run the 3 proposed fix\(es\)[^\n]*\n\s+Explain a finding[^\n]*\n▸ Quit\s*$/);
    // The whole question is on the screen, with the summary's last lines and the fixes above it.
    expect(screen).toMatch(/Proposed, in this order \(root causes first\):[\s\S]*\? What next\? …/);
    expect(screen.trimEnd().split('\n').length).toBeLessThanOrEqual(24);
    // And only once in everything the terminal holds: no stale copies in the scrollback.
    expect(term.history().match(/What next\?/g)).toHaveLength(1);
    expect(term.history()).not.toMatch(/Explain #\d|explain:\d/);

    term.keys('Escape');
    await term.waitFor(/\[exit 4\]/);
  }, 120_000);
});
