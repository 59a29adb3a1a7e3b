// Issue 11 item 9: what used to crash (exit 70), plan wrongly (exit 1) or pass bad input through.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderKubeconfig } from '../../src/lab/kube/kubeconfig.js';
import { createLabTls } from '../../src/lab/tls.js';
import { runMain } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'could-not-check-'));
/** A kubeconfig for `server`, with a bearer token. */
function kubeconfig(server: string): string {
  const file = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{ name: c, cluster: { server: "${server}" } }]\ncontexts: [{ name: c, context: { cluster: c, user: u } }]\nusers: [{ name: u, user: { token: t } }]\n`);
  return file;
}

describe('doctor with a malformed Proxmox token secret', () => {
  test('is exit 3 ("cannot diagnose") naming the variable, as plan and run say it, not an internal error', async () => {
    const r = await runMain(['doctor', '--output', 'text', '--kubeconfig', kubeconfig('https://127.0.0.1:1')], {
      env: { PROXMOX_URL: 'https://127.0.0.1:1', PROXMOX_TOKEN_ID: 'root@pam!runbook', PROXMOX_TOKEN_SECRET: 'not-a-uuid', PROXMOX_ENV_FILE: undefined, RUNBOOK_INVENTORY: undefined },
    });
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain('PROXMOX_TOKEN_SECRET is not an API token secret (a lowercase UUID');
    expect(r.code).toBe(3);
  });
});

describe('unstick-metallb refuses params that cannot be right', () => {
  test.each([
    [['--release', '.'], '--release "." does not match the pattern'],
    [['--speaker-memory', 'x'], '--speaker-memory "x" does not match the pattern'],
    [['--frr-cpu', '1 core'], '--frr-cpu "1 core" does not match the pattern'],
    [['--priority-class', 'system-evil'], '--priority-class "system-evil" does not match the pattern'],
    [['--priority-value', '-1'], '--priority-value must be at least 1, not -1'],
    [['--priority-value', '2000000000'], '--priority-value must be at most 1000000000, not 2000000000'],
  ])('%j', async (args, message) => {
    const r = await runMain(['--state-dir', dir, 'plan', 'unstick-metallb', ...args, '--kubeconfig', kubeconfig('https://127.0.0.1:1')]);
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
  });
});

describe('plan when the API refuses a read', () => {
  let server: ReturnType<typeof createServer>;
  let config = '';
  beforeAll(async () => {
    const tls = await createLabTls();
    // Every request is refused as the real API server refuses one (a metav1.Status, 403).
    server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: `configmaps "x" is forbidden: User "u" cannot get resource "configmaps" (${req.method} ${req.url})` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    config = join(dir, 'refusing.kubeconfig');
    writeFileSync(config, renderKubeconfig({ server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caPem: tls.caPem, token: 't' }));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('is exit 3 (could not check), not 1 (a step failed)', async () => {
    const rb = join(dir, 'rb');
    writeFileSync(join(dir, 'ensure-cm.yaml'), 'apiVersion: runbook.dev/v1\nname: ensure-cm\ndescription: d\nsteps:\n  - { id: e, uses: k8s.ensure, with: { object: { apiVersion: v1, kind: ConfigMap, metadata: { name: x, namespace: default } } } }\n');
    const r = await runMain(['--state-dir', rb, '--runbooks-dir', dir, 'plan', 'ensure-cm', '--kubeconfig', config]);
    // The refusal in the API server's own words, after what could not be done (a bare
    // 'forbidden' anywhere in stderr also matched a hint or an unrelated error).
    expect(r.stderr).toMatch(/could not plan: .*configmaps "x" is forbidden: User "u" cannot get resource "configmaps"/);
    expect(r.code).toBe(3);
  });
});
