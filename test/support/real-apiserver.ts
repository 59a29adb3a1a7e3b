// Starts a real kube-apiserver v1.20.2 (built from Debian's source by
// test/support/real-apiserver/build.sh) backed by a throwaway etcd, both on 127.0.0.1.
// No kubelet, scheduler or controller-manager run: nodes are plain API objects, finalizers are
// never removed, PodDisruptionBudget status is never computed, pods are never started or
// finished. Use from a test file's beforeAll (one server per file), never as a global setup:
// the lab tests must not pay for it.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_SCRIPT, findBinaries, realApiserverAvailable } from './real-apiserver/binaries.js';
import { AUDIT_POLICY, apiserverArgs, etcdArgs } from './real-apiserver/flags.js';
import { apiRequest } from './real-apiserver/http.js';
import { writeKubeconfig } from './real-apiserver/kubeconfig.js';
import { createPki } from './real-apiserver/pki.js';
import { freePort, logTail, startLogged, stopManaged, track } from './real-apiserver/processes.js';
import type { Managed } from './real-apiserver/processes.js';
import { makeTokens, writeTokenFile } from './real-apiserver/tokens.js';

export { realApiserverAvailable };

export interface RealApiserver {
  url: string;
  caPem: string;
  adminToken: string;
  spareTokens: Array<{ user: string; token: string }>;
  /** Kubeconfig of the admin user (system:masters). */
  kubeconfigPath: string;
  /** Writes a kubeconfig for `token` into the work dir and returns its path. */
  kubeconfigFor(token: string): string;
  /** Where the logs (etcd.log, kube-apiserver.log), certificates and kubeconfigs are. */
  workDir: string;
  /** Process ids, e.g. to read the apiserver's RSS from /proc. */
  pids: { etcd: number | undefined; apiserver: number | undefined };
  /** Milliseconds from spawn to etcd healthy and to apiserver /readyz 200. */
  startupMs: { etcd: number; apiserver: number };
  /** Stops both and removes the data; rejects (with the log tail) if either had died before. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Kept after stop() when given; otherwise a temp dir that stop() removes. */
  workDir?: string;
  /** Bound on each of "etcd healthy" and "apiserver /readyz ok"; default 60 s. */
  readyTimeoutMs?: number;
  /** Where to look for the binaries (RUNBOOK_CACHE_DIR, HOME, PATH); default process.env. */
  env?: Record<string, string | undefined>;
  /** Opt-in: the apiserver writes a Metadata-level audit log (JSON lines) to this file. */
  auditLogPath?: string;
  /** How many spare (permission-less) users the token file gets; default SPARE_USER_COUNT. */
  spareUsers?: number;
}

const PORT_ATTEMPTS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class StartError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

/** `etcd exited before healthy (exited: code 1, signal null); <note>; last lines of <log>:\n<tail>` */
function exitReport(m: Managed, what: string, note: string): { text: string; tail: string } {
  const tail = logTail(m.logPath);
  const exit = m.exited ? ` (exited: code ${m.exited.code}, signal ${m.exited.signal})` : '';
  return { text: `${m.name} ${what}${exit}${note}; last lines of ${m.logPath}:\n${tail}`, tail };
}

function failure(m: Managed, what: string, workDir: string): StartError {
  const { text, tail } = exitReport(m, what, `; work dir kept at ${workDir}`);
  return new StartError(text, /address already in use/i.test(tail));
}

function etcdHealthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet({ host: '127.0.0.1', port, path: '/health', timeout: 2_000 }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(res.statusCode === 200 && text.includes('"health":"true"')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Polls `probe` until it is true, the process dies, or the deadline passes. */
async function waitFor(m: Managed, probe: () => Promise<boolean>, timeoutMs: number, what: string, workDir: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (m.exited) throw failure(m, `exited before ${what}`, workDir);
    if (await probe().catch(() => false)) return;
    await sleep(200);
  }
  throw failure(m, `not ${what} within ${timeoutMs} ms`, workDir);
}

async function withFreshPorts<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (!(err instanceof StartError && err.retryable) || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}

export async function startRealApiserver(opts: StartOptions = {}): Promise<RealApiserver> {
  const found = findBinaries({ env: opts.env });
  if (!found.ok) {
    throw new Error(`real kube-apiserver not available; missing:\n  ${found.missing.join('\n  ')}\n` +
      `Prepare it with: bash ${BUILD_SCRIPT}  (CI: .ci/prepare-real-apiserver.sh)`);
  }
  const { bins } = found;
  const ownsWorkDir = opts.workDir === undefined;
  const workDir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'runbook-real-apiserver-')));
  await mkdir(workDir, { recursive: true });
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const started: Managed[] = [];

  const stopAll = async (): Promise<void> => {
    for (const m of [...started].reverse()) await stopManaged(m);
  };

  try {
    const pki = await createPki(workDir, bins.openssl);
    const tokens = makeTokens(opts.spareUsers);
    let audit: { logPath: string; policyPath: string } | undefined;
    if (opts.auditLogPath !== undefined) {
      audit = { logPath: opts.auditLogPath, policyPath: join(workDir, 'audit-policy.yaml') };
      await writeFile(audit.policyPath, AUDIT_POLICY);
    }
    const tokenFilePath = join(workDir, 'tokens.csv');
    await writeTokenFile(tokenFilePath, tokens);

    const etcdData = join(workDir, 'etcd-data');
    const etcdStart = Date.now();
    const { etcd, clientPort } = await withFreshPorts(async () => {
      const ports = { client: await freePort(), peer: await freePort() };
      await rm(etcdData, { recursive: true, force: true });
      const m = startLogged('etcd', bins.etcd, etcdArgs(etcdData, ports), join(workDir, 'etcd.log'), workDir);
      track(m, etcdData);
      try {
        await waitFor(m, () => etcdHealthy(ports.client), timeoutMs, 'healthy', workDir);
      } catch (err) {
        await stopManaged(m);
        throw err;
      }
      return { etcd: m, clientPort: ports.client };
    });
    started.push(etcd);
    const etcdMs = Date.now() - etcdStart;

    const apiserverStart = Date.now();
    const { apiserver, url } = await withFreshPorts(async () => {
      const port = await freePort();
      const url = `https://127.0.0.1:${port}`;
      const args = apiserverArgs(clientPort, port, {
        servingCertPath: pki.servingCertPath,
        servingKeyPath: pki.servingKeyPath,
        tokenFilePath,
        saPublicKeyPath: pki.saPublicKeyPath,
        saPrivateKeyPath: pki.saPrivateKeyPath,
        certDir: join(workDir, 'apiserver-certs'),
        ...(audit ? { audit } : {}),
      });
      const m = startLogged('kube-apiserver', bins.apiserver, args, join(workDir, 'kube-apiserver.log'), workDir);
      track(m);
      const ready = async () =>
        (await apiRequest(url, pki.caPem, '/readyz', { token: tokens.admin.token, timeoutMs: 2_000 })).status === 200;
      try {
        await waitFor(m, ready, timeoutMs, 'ready (/readyz)', workDir);
      } catch (err) {
        await stopManaged(m);
        throw err;
      }
      return { apiserver: m, url };
    });
    started.push(apiserver);
    const apiserverMs = Date.now() - apiserverStart;

    const kubeconfigFor = (token: string): string => {
      const known = [tokens.admin, ...tokens.spare].find((t) => t.token === token);
      const user = known?.user ?? `token-${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
      return writeKubeconfig(join(workDir, `kubeconfig-${user}.json`), url, pki.caPem, user, token);
    };

    let stopped = false;
    return {
      url,
      caPem: pki.caPem,
      adminToken: tokens.admin.token,
      spareTokens: tokens.spare.map((t) => ({ ...t })),
      kubeconfigPath: kubeconfigFor(tokens.admin.token),
      kubeconfigFor,
      workDir,
      pids: { etcd: etcd.child.pid, apiserver: apiserver.child.pid },
      startupMs: { etcd: etcdMs, apiserver: apiserverMs },
      async stop() {
        if (stopped) return;
        stopped = true;
        // A process that died during the tests shows up as "socket hang up" there: say why here.
        const died = started.filter((m) => m.exited !== undefined).map((m) => exitReport(m, 'died before stop()', '').text);
        await stopAll();
        // etcd preallocates 64 MB of WAL: never leave it behind; logs stay in a caller's dir.
        await rm(ownsWorkDir ? workDir : etcdData, { recursive: true, force: true });
        if (died.length > 0) throw new Error(died.join('\n\n'));
      },
    };
  } catch (err) {
    await stopAll();
    // Keep the logs and certificates for debugging, never the 64 MB etcd WAL.
    await rm(join(workDir, 'etcd-data'), { recursive: true, force: true });
    throw err;
  }
}
