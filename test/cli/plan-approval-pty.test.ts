// One approval per plan (issue 13 item 4), in a real pseudo-terminal: the whole plan is approved
// once (no question per step), bound to the plan's digest (a cluster that changed while the plan
// was on screen is shown again and asked again), or step by step, where a declined step is shown
// as declined and never with a check mark. Esc is no (exit 4), Ctrl-C the interrupt (exit 130).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startLab } from '../../src/lab/lab.js';
import { sharedHealthyLab } from '../support/lab-facts.js';
import { KEY, startPty } from '../support/pty.js';

const exec = promisify(execFile);
const { root, lab, env, cordoned, lockHolder } = sharedHealthyLab('runbook-approval-pty-');
const APPROVAL = /\? Apply this plan \(plan digest ([0-9a-f]{12})\)\?/;
const STACK = /ERR_USE_AFTER_CLOSE|internal error|\n\s+at \S+ \(/;

function journal(state: string): { t: string; status?: string; exitCode?: number }[] {
  const runs = join(state, 'runs');
  const file = readdirSync(runs).find((f) => f.endsWith('.jsonl'))!;
  return readFileSync(join(runs, file), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { t: string });
}

function rebootNode(node: string, cols: number) {
  const state = join(root, `state-${node}-${cols}`);
  return { state, pty: startPty(['--state-dir', state, 'run', 'reboot-node', '--node', node], { env: env(), cols, rows: 24 }) };
}

describe('one approval per plan', () => {
  it('approving the whole plan once runs every step without another question (80x24)', async () => {
    const { state, pty } = rebootNode('k3s-server-1', 80);
    await pty.waitFor(APPROVAL);
    expect(pty.screen()).toMatch(/Summary: .*1 actions/);
    pty.write(KEY.up + KEY.up + KEY.enter); // from the default (No) up to "Yes: the whole plan"
    expect(await pty.exit).toBe(0);
    expect(pty.screen()).toMatch(/Run \S+ succeeded/);
    expect(pty.screen()).not.toMatch(/It changes the cluster/);
    expect(pty.screen()).not.toMatch(STACK);
    expect(cordoned('k3s-server-1')).toBe(false); // drained, rebooted, uncordoned
    expect(journal(state).filter((r) => r.t === 'step-applied').length).toBe(4);
  }, 120_000);

  it('a cluster that changed while the plan was on screen is planned, shown and asked again; Esc then declines (exit 4)', async () => {
    const { state, pty } = rebootNode('k3s-server-2', 160);
    const first = (await pty.waitFor(APPROVAL))[1];
    await exec('kubectl', ['--kubeconfig', lab().kubeconfigPath, 'cordon', 'k3s-server-2']);
    const at = pty.screen().length;
    pty.write(KEY.up + KEY.up + KEY.enter);
    const changed = at + (await pty.waitFor(/The cluster changed while the plan was on screen/, at)).index!;
    const second = (await pty.waitFor(APPROVAL, changed))[1];
    expect(second).not.toBe(first);
    expect(pty.screen().slice(at, changed)).toMatch(/= noop +node\/k3s-server-2: already cordoned/);
    pty.write(KEY.esc);
    expect(await pty.exit).toBe(4);
    expect(pty.screen()).not.toMatch(STACK);
    const records = journal(state);
    expect(records.filter((r) => r.t === 'plan').length).toBe(2);
    expect(records.some((r) => r.t === 'step-started')).toBe(false);
    expect(records.at(-1)).toMatchObject({ t: 'run-finished', status: 'declined', exitCode: 4 });
    expect(lockHolder() ?? '').toBe('');
    await exec('kubectl', ['--kubeconfig', lab().kubeconfigPath, 'uncordon', 'k3s-server-2']);
  }, 120_000);

  it('Ctrl-C at the approval is the interrupt: exit 130, nothing changed, lock free', async () => {
    const { state, pty } = rebootNode('k3s-server-0', 80);
    await pty.waitFor(APPROVAL);
    pty.write(KEY.ctrlC);
    expect(await pty.exit).toBe(130);
    expect(pty.screen()).not.toMatch(STACK);
    expect(journal(state).at(-1)).toMatchObject({ t: 'run-finished', status: 'interrupted', exitCode: 130 });
    expect(cordoned('k3s-server-0')).toBe(false);
    expect(lockHolder() ?? '').toBe('');
  }, 120_000);

  it('SIGTERM while the approval is open is the same interrupt: the question closes, exit 130, nothing changed', async () => {
    const { state, pty } = rebootNode('k3s-server-0', 160);
    await pty.waitFor(APPROVAL);
    pty.signal('SIGTERM');
    expect(await pty.exit).toBe(130);
    expect(pty.screen()).not.toMatch(STACK);
    expect(journal(state).at(-1)).toMatchObject({ t: 'run-finished', status: 'interrupted', exitCode: 130 });
    expect(journal(state).some((r) => r.t === 'step-started')).toBe(false);
    expect(lockHolder() ?? '').toBe('');
  }, 120_000);

  it('the question itself names what cannot be undone (purge-dead-node on the incident lab); Esc changes nothing', async () => {
    const incident = await startLab({ dir: join(root, 'incident-lab'), rebootSeconds: 0.2 });
    try {
      incident.settle();
      const state = join(root, 'state-purge');
      const pty = startPty(['--state-dir', state, 'run', 'purge-dead-node', '--node', 'k3s-replica-2'], { env: { KUBECONFIG: incident.kubeconfigPath, PROXMOX_ENV_FILE: incident.proxmoxEnvPath, NO_COLOR: '1' }, cols: 80, rows: 24 });
      await pty.waitFor(/\? Apply this plan \(plan digest [0-9a-f]{12}\)\? Cannot be undone: node\./);
      pty.write(KEY.esc);
      expect(await pty.exit).toBe(4);
      expect(journal(state).some((r) => r.t === 'step-started')).toBe(false);
      expect(incident.kube.store.get('v1', 'Node', 'k3s-replica-2')).toBeDefined();
    } finally {
      await incident.stop();
    }
  }, 120_000);

  it('step by step: each question names its step; a declined step is shown as declined, never with a check mark (160 columns)', async () => {
    const { state, pty } = rebootNode('k3s-replica-0', 160);
    await pty.waitFor(APPROVAL);
    pty.write(KEY.up + KEY.enter); // "Step by step"
    const at = (await pty.waitFor(/\? Run drain \(k8s\.drain\)\? It changes the cluster/)).index!;
    pty.write(KEY.enter); // the toggle's default: No
    expect(await pty.exit).toBe(4);
    const after = pty.screen().slice(at);
    expect(after).toMatch(/↓ drain \(declined\)/);
    expect(after).toMatch(/✖ Run drain \(k8s\.drain\)\?/);
    expect(after).not.toMatch(/✔ (Run )?drain/);
    expect(journal(state).at(-1)).toMatchObject({ t: 'run-finished', status: 'declined', exitCode: 4 });
    expect(cordoned('k3s-replica-0')).toBe(false);
  }, 120_000);
});
