// Where the real control-plane binaries live: kube-apiserver built by build.sh into a
// per-user cache keyed by version, etcd from Debian's `etcd-server` package.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export const KUBE_VERSION = 'v1.20.2';
/** Must equal RECIPE in build.sh, which writes it next to the binary (`<binary>.recipe`). */
export const BUILD_RECIPE = 'debian-source+reflect2-1.0.2';

/** build.sh, which builds and caches the binary. */
export const BUILD_SCRIPT = resolve(import.meta.dirname, 'build.sh');

export interface BinaryEnv {
  /** Defaults to `process.env`; injectable so tests of this module need no globals. */
  env?: Record<string, string | undefined>;
}

function envOf(opts: BinaryEnv): Record<string, string | undefined> {
  // Test support, not library code: falling back to the real environment is the point.
  return opts.env ?? process.env;
}

export function cacheDir(opts: BinaryEnv = {}): string {
  const env = envOf(opts);
  return env.RUNBOOK_CACHE_DIR ?? join(env.HOME ?? homedir(), '.cache', 'runbook');
}

export function apiserverBinary(opts: BinaryEnv = {}): string {
  return join(cacheDir(opts), `kube-apiserver-${KUBE_VERSION}`);
}

function recipeOf(binary: string): string | undefined {
  try {
    return readFileSync(`${binary}.recipe`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable named `name` on PATH, or undefined. */
export function which(name: string, opts: BinaryEnv = {}): string | undefined {
  const dirs = (envOf(opts).PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter);
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface Binaries {
  apiserver: string;
  etcd: string;
  openssl: string;
}

/** The binaries, or a list of what is missing (for a clear error message). */
export function findBinaries(opts: BinaryEnv = {}): { ok: true; bins: Binaries } | { ok: false; missing: string[] } {
  const apiserver = apiserverBinary(opts);
  const etcd = which('etcd', opts);
  const openssl = which('openssl', opts);
  const missing: string[] = [];
  if (!isExecutable(apiserver)) missing.push(`${apiserver} (build it: bash ${BUILD_SCRIPT})`);
  else if (recipeOf(apiserver) !== BUILD_RECIPE) {
    // An older build (e.g. with the vendored reflect2 v1.0.1 that crashes on Go >= 1.18).
    missing.push(`${apiserver} built by recipe ${BUILD_RECIPE} (found: ${recipeOf(apiserver) ?? 'none'}; rebuild: bash ${BUILD_SCRIPT})`);
  }
  if (etcd === undefined) missing.push('etcd on PATH (apt-get install etcd-server; build.sh does it)');
  if (openssl === undefined) missing.push('openssl on PATH (apt-get install openssl)');
  if (missing.length > 0 || etcd === undefined || openssl === undefined) return { ok: false, missing };
  return { ok: true, bins: { apiserver, etcd, openssl } };
}

/** True when the cached kube-apiserver, etcd and openssl are all present. */
export function realApiserverAvailable(opts: BinaryEnv = {}): boolean {
  return findBinaries(opts).ok;
}
