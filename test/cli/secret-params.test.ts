// A param whose name says it is a secret (`api-token`, `password`...) is never printed: not in
// plan's text or JSON, not in the plan a run shows before it asks, not in the run's outcome, not
// in the journal; the step still gets the real value (the cluster shows it was used).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { runMain } from '../support/in-process.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

const SECRET = 'hunter2tokenvalue';
const SECOND = 'second0token0value';
const BOOK = `apiVersion: runbook.dev/v1
name: label-with-token
description: Puts a secret param where a plan shows it.
params:
  api-token: { type: string, required: true, description: the token }
steps:
  - id: label
    uses: k8s.patch
    with:
      kind: Node
      name: k3s-server-0
      patch: { metadata: { labels: { tok: "\${{ params.api-token }}" } } }
`;

async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'runbook-secret-params-'));
  const lab = await startLab({ dir: join(root, 'lab'), scenario: 'healthy', rebootSeconds: 0.2 });
  labs.push(lab);
  lab.settle();
  const book = join(root, 'book.yaml');
  writeFileSync(book, BOOK);
  const state = join(root, 'state');
  const env = { KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath };
  return { lab, book, state, cli: (args: string[]) => runMain(['--state-dir', state, ...args], { env }) };
}

describe('secret params', () => {
  it('are not printed by plan (text or JSON), by run (plan and outcome) or journaled, yet the step uses the value', async () => {
    const { lab, book, state, cli } = await setup();
    const text = await cli(['plan', book, '--api-token', SECRET]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('metadata.labels.tok'); // the change is shown...
    expect(text.stdout + text.stderr).not.toContain(SECRET); // ...without the value

    const json = await cli(['plan', book, '--api-token', SECRET, '-o', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).plan.length).toBe(1);
    expect(json.stdout).not.toContain(SECRET);

    const run = await cli(['run', book, '--api-token', SECRET, '--yes']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('metadata.labels.tok');
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    // (A second token: the first is now the label's old value, which a plan may show as "before".)
    const runJson = await cli(['run', book, '--api-token', SECOND, '--yes', '-o', 'json']);
    expect(runJson.code, runJson.stderr).toBe(0);
    expect(runJson.stdout).toContain('metadata.labels.tok');
    expect(runJson.stdout).not.toContain(SECOND);

    const journals = readdirSync(join(state, 'runs'), { recursive: true }).map(String).filter((f) => f.endsWith('.jsonl'));
    expect(journals.length).toBeGreaterThan(0);
    for (const f of journals) expect(readFileSync(join(state, 'runs', f), 'utf8')).not.toContain(SECOND);

    const node = lab.kube.store.get('v1', 'Node', 'k3s-server-0') as { metadata: { labels: Record<string, string> } };
    expect(node.metadata.labels.tok).toBe(SECOND);
  }, 120_000);
});
