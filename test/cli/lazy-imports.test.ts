// `runbook --help` and `runbook validate` must stay fast: they may not load the Kubernetes
// client, the Proxmox client, zx or the terminal UI (DESIGN section 6).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

const trace = ['--import', join(ROOT, 'test', 'support', 'trace-heavy-imports.mjs')];
const heavy = (stderr: string) => [...stderr.matchAll(/^HEAVY (\S+)$/gm)].map((m) => m[1]);

describe('lazy imports', () => {
  it('the tracer itself sees a heavy import when one happens (plan loads the Kubernetes client)', async () => {
    const r = await runCli(['plan', 'purge-dead-node', '--node', 'x', '--kubeconfig', join(tmpdir(), 'no-such-kubeconfig')], { nodeArgs: trace });
    expect(heavy(r.stderr)).toContain('@kubernetes/client-node');
  });

  it('--help loads none of the heavy libraries', async () => {
    const r = await runCli(['--help'], { nodeArgs: trace });
    expect(r.code).toBe(0);
    expect(heavy(r.stderr)).toEqual([]);
  });

  it('validate loads none of the heavy libraries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-lazy-'));
    writeFileSync(join(dir, 'x.yaml'), 'apiVersion: runbook.dev/v1\nname: x\ndescription: d\nsteps:\n  - { id: a, uses: k8s.cordon, with: { node: n1 } }\n');
    const r = await runCli(['validate', join(dir, 'x.yaml'), join(ROOT, 'runbooks', 'purge-dead-node.yaml')], { nodeArgs: trace });
    expect(r.code).toBe(0);
    expect(heavy(r.stderr)).toEqual([]);
  });
});
