// plan in a real terminal while an API makes it wait (Proxmox black-holed: connections taken,
// never answered): a spinner on stderr says what it is waiting on, then the failure names the
// URL and the spinner's line is gone. Never in a pipe: stdout stays the command's output.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { sharedHealthyLab } from '../support/lab-facts.js';
import { startPty } from '../support/pty.js';

const { root, lab } = sharedHealthyLab('runbook-spinner-pty-');
let hole: Server;
const held: Socket[] = [];
let envFile = '';

beforeAll(async () => {
  hole = createServer((s) => held.push(s)); // accepts, never answers: a black hole on 127.0.0.1
  await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
  const port = (hole.address() as { port: number }).port;
  envFile = join(root, 'blackhole.env');
  writeFileSync(envFile, readFileSync(lab().proxmoxEnvPath, 'utf8').replace(/^PROXMOX_URL=.*$/m, `PROXMOX_URL=https://127.0.0.1:${port}`));
});
afterAll(() => {
  for (const s of held) s.destroy();
  hole?.close();
});

const env = () => ({ KUBECONFIG: lab().kubeconfigPath, PROXMOX_ENV_FILE: envFile, RUNBOOK_REQUEST_TIMEOUT: '3s', NO_COLOR: '1' });

describe('plan while an API makes it wait', () => {
  it('shows a spinner naming what it checks, then fails naming the URL (exit 3)', async () => {
    const pty = startPty(['plan', 'reboot-node', '--node', 'k3s-replica-0'], { env: env(), cols: 100, rows: 24 });
    await pty.waitFor(/⠋ checking reboot-node against the cluster and Proxmox \(preflight, plan\)…/);
    expect(await pty.exit).toBe(3);
    expect(pty.screen()).toMatch(/127\.0\.0\.1:\d+/);
    // Erased when done: the last frame is followed by the erase-line sequence.
    expect(pty.raw()).toMatch(/\r\x1b\[2K/); // eslint-disable-line no-control-regex
  }, 60_000);

  it('never spins in a pipe', async () => {
    const r = await runCli(['plan', 'reboot-node', '--node', 'k3s-replica-0'], { env: env(), timeoutMs: 30_000 });
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).not.toMatch(/⠋|checking reboot-node/);
  }, 60_000);
});
