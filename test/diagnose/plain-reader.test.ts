// Doctor's Kubernetes reader without @kubernetes/client-node, over real HTTPS: it lists what
// client-node's reader lists; it verifies the server against the kubeconfig's CA (a wrong CA
// fails, insecure-skip-tls-verify is the said opt-out); it presents a client certificate named
// by a relative path; in a pod it uses the service account, rotated token included; and what
// it does not read itself (an exec plugin, a missing context, a single object) goes through
// client-node exactly as before.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALL_POLICY } from '../../src/adapters/api-call.js';
import { createKubeAdapters } from '../../src/adapters/kube/adapter.js';
import { createListReader } from '../../src/adapters/kube/plain-reader.js';
import type { KubeReader } from '../../src/adapters/ports.js';
import { ApiError, RunbookError } from '../../src/errors.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { createLabTls } from '../../src/lab/tls.js';
import { compileRetryPolicy } from '../../src/retry-policy.js';

const run = promisify(execFile);
/** One attempt: a refused handshake is not waited out through the default retries. */
const ONCE = { ...DEFAULT_CALL_POLICY, requestTimeoutMs: 5_000, retry: compileRetryPolicy({ initialIntervalMs: 10, backoffCoefficient: 1, maximumAttempts: 1 }) };

interface KubeconfigParts {
  server: string;
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
}

/** A one-context kubeconfig (JSON is YAML) written into `dir`. */
function writeKubeconfig(dir: string, file: string, p: KubeconfigParts): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: p.server, ...p.cluster } }],
    users: [{ name: 'u', user: p.user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  }));
  return path;
}

const names = (objs: { metadata: { name: string; namespace?: string } }[]) => objs.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();

describe('the plain Kubernetes reader', () => {
  let lab: Lab;
  let dir: string;
  let token: string;
  let clientNode: KubeReader;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plain-reader-'));
    lab = await startLab({ dir });
    lab.settle();
    const kc = load(readFileSync(lab.kubeconfigPath, 'utf8')) as { users: [{ user: { token: string } }] };
    token = kc.users[0].user.token;
    clientNode = (await createKubeAdapters({ kubeconfig: lab.kubeconfigPath })).reader;
  }, 60_000);

  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists, across namespaces and in one, what client-node reads, and reads single objects through it', async () => {
    const plain = await createListReader({ kubeconfig: lab.kubeconfigPath });
    for (const q of [{ apiVersion: 'v1', kind: 'Node' }, { apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'v1', kind: 'Pod', namespace: 'monitoring' }, { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' }]) {
      const [mine, theirs] = await Promise.all([plain.list(q), clientNode.list(q)]);
      expect(mine.length).toBeGreaterThan(0);
      expect(names(mine)).toEqual(names(theirs));
    }
    expect(await plain.ready()).toBe(true);
    const node = (await plain.list({ apiVersion: 'v1', kind: 'Node' }))[0]!;
    expect((await plain.get({ apiVersion: 'v1', kind: 'Node', name: node.metadata.name }))?.metadata.uid).toBe(node.metadata.uid);
  });

  it('answers a group-version the server does not serve as not-found, as client-node does', async () => {
    const plain = await createListReader({ kubeconfig: lab.kubeconfigPath });
    const q = { apiVersion: 'nothing.example.dev/v1', kind: 'Thing' };
    const [mine, theirs] = await Promise.allSettled([plain.list(q), clientNode.list(q)]);
    expect(mine.status).toBe('rejected');
    const err = (mine as PromiseRejectedResult).reason as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.kind).toBe('not-found');
    expect(err.kind).toBe(((theirs as PromiseRejectedResult).reason as ApiError).kind);
  });

  it('refuses a server its CA did not sign, and never prints the token', async () => {
    const other = await createLabTls('someone-else');
    const kubeconfig = writeKubeconfig(dir, 'wrong-ca.json', { server: lab.kube.url, cluster: { 'certificate-authority-data': Buffer.from(other.caPem).toString('base64') }, user: { token } });
    const plain = await createListReader({ kubeconfig }, ONCE);
    const err = await plain.list({ apiVersion: 'v1', kind: 'Node' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/TLS verification failed/);
    expect(`${(err as ApiError).message} ${(err as ApiError).hint}`).not.toContain(token);
  });

  it('with insecure-skip-tls-verify, warns once and reads', async () => {
    const kubeconfig = writeKubeconfig(dir, 'insecure.json', { server: lab.kube.url, cluster: { 'insecure-skip-tls-verify': true }, user: { token } });
    const warnings: string[] = [];
    const plain = await createListReader({ kubeconfig, warn: (m) => warnings.push(m) });
    expect((await plain.list({ apiVersion: 'v1', kind: 'Node' })).length).toBeGreaterThan(0);
    expect(warnings).toEqual(['warning: kubeconfig cluster "c" disables TLS verification (insecure-skip-tls-verify)']);
  });

  it('goes through client-node for an exec plugin, and names a missing context as before', async () => {
    const plugin = join(dir, 'exec-plugin.mjs');
    writeFileSync(plugin, `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: ${JSON.stringify(token)} } }));\n`);
    const kubeconfig = writeKubeconfig(dir, 'exec.json', {
      server: lab.kube.url,
      cluster: { 'certificate-authority-data': Buffer.from(lab.caPem).toString('base64') },
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [plugin] } },
    });
    const viaPlugin = await createListReader({ kubeconfig });
    expect(names(await viaPlugin.list({ apiVersion: 'v1', kind: 'Node' }))).toEqual(names(await clientNode.list({ apiVersion: 'v1', kind: 'Node' })));
    const err = await createListReader({ kubeconfig: lab.kubeconfigPath, context: 'runbook-labb' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RunbookError);
    expect(err).toMatchObject({ code: 'E_KUBECONTEXT', message: 'no context "runbook-labb" in the kubeconfig' });
    expect((err as RunbookError).hint).toMatch(/runbook-lab/);
  });

  it('in a pod, reads with its service account, the token file read again for every request', async () => {
    const sa = mkdtempSync(join(dir, 'serviceaccount-'));
    writeFileSync(join(sa, 'ca.crt'), lab.caPem);
    writeFileSync(join(sa, 'token'), token);
    const port = new URL(lab.kube.url).port;
    // No kubeconfig anywhere: KUBECONFIG unset, a HOME without .kube.
    const env = { HOME: mkdtempSync(join(dir, 'home-')), KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port };
    const plain = await createListReader({ env, serviceAccountDir: sa }, ONCE);
    expect(names(await plain.list({ apiVersion: 'v1', kind: 'Node' }))).toEqual(names(await clientNode.list({ apiVersion: 'v1', kind: 'Node' })));
    // A rotated token is the one sent next (here one the server does not know).
    writeFileSync(join(sa, 'token'), 'rotated-to-an-unknown-token');
    const err = await plain.list({ apiVersion: 'v1', kind: 'Node' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe('unauthorized');
  });

  describe('against a server that asks for a client certificate', () => {
    let server: Server;
    let url: string;
    let certDir: string;

    beforeAll(async () => {
      certDir = mkdtempSync(join(dir, 'client-cert-'));
      const openssl = (args: string[]) => run('openssl', args, { cwd: certDir });
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
      await openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=client-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
      writeFileSync(join(certDir, 'client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
      await openssl(['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=doctor-by-certificate']);
      await openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'client.ext', '-out', 'client.crt']);
      const tls = JSON.parse(readFileSync(join(dir, 'tls.json'), 'utf8')) as { certPem: string; keyPem: string };
      // Answers discovery and a node list named after the certificate it was shown.
      server = createServer({ cert: tls.certPem, key: tls.keyPem, ca: readFileSync(join(certDir, 'ca.crt')), requestCert: true, rejectUnauthorized: true }, (req, res) => {
        const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
        res.setHeader('Content-Type', 'application/json');
        if (req.url === '/api/v1') res.end(JSON.stringify({ kind: 'APIResourceList', resources: [{ name: 'nodes', kind: 'Node', namespaced: false }] }));
        else if (req.url?.startsWith('/api/v1/nodes?')) res.end(JSON.stringify({ kind: 'NodeList', metadata: {}, items: [{ metadata: { name: `seen-${cn}` } }] }));
        else res.writeHead(404).end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    }, 60_000);

    afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

    it('presents the certificate and key the kubeconfig names (relative to it, or inline)', async () => {
      const cluster = { 'certificate-authority-data': Buffer.from(lab.caPem).toString('base64') };
      const byPath = writeKubeconfig(certDir, 'by-path.json', { server: url, cluster, user: { 'client-certificate': 'client.crt', 'client-key': 'client.key' } });
      const inline = writeKubeconfig(certDir, 'inline.json', { server: url, cluster, user: { 'client-certificate-data': readFileSync(join(certDir, 'client.crt')).toString('base64'), 'client-key-data': readFileSync(join(certDir, 'client.key')).toString('base64') } });
      for (const kubeconfig of [byPath, inline]) {
        const nodes = await (await createListReader({ kubeconfig }, ONCE)).list({ apiVersion: 'v1', kind: 'Node' });
        expect(nodes.map((n) => n.metadata.name)).toEqual(['seen-doctor-by-certificate']);
      }
      const without = writeKubeconfig(certDir, 'no-cert.json', { server: url, cluster, user: { token: 'not-a-certificate' } });
      await expect((await createListReader({ kubeconfig: without }, ONCE)).list({ apiVersion: 'v1', kind: 'Node' })).rejects.toThrow(ApiError);
    });
  });
});
