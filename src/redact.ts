// Secrets never enter the journal or the output. Three rules:
// 1. values under keys that name a secret (token, password, secret...) are replaced;
// 2. Kubernetes Secret objects keep their metadata, but `data`/`stringData` become per-key
//    sha256 digests: enough to tell whether a restore would be the same, never the value;
// 3. known secret values (a secret param's) are replaced wherever a string carries them: a
//    step's `with:` may put one under any key (a name, a URL, a plan's target).
import { createHash } from 'node:crypto';

const SECRET_KEY = /(pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|authorization|cookie|ticket)$/i;
export const REDACTED = '<redacted>';

/**
 * The one rule for "this name holds a secret": object keys in the journal and runbook param
 * names alike. Anchored at the end: `token`, `api-key`, `proxmox-token-secret` are secrets;
 * `secretName`, `token-id`, `password-file` name or locate one (a restore needs them intact).
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function digestSecretData(data: unknown): unknown {
  if (!data || typeof data !== 'object') return data;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    out[k] = `sha256:${createHash('sha256').update(String(v)).digest('hex')}`;
  }
  return out;
}

/** Shorter values are replaced only where they are a whole string: as substrings they would blank out unrelated text. */
const MIN_SUBSTRING_SECRET = 4;

function redactString(text: string, secretValues: readonly string[]): string {
  let out = text;
  for (const secret of secretValues) {
    if (out === secret) return REDACTED;
    if (secret.length >= MIN_SUBSTRING_SECRET) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** The values of the params whose names say they are secrets: what no output may show. */
export function secretParamValues(params: Record<string, unknown>, secretKeys: ReadonlySet<string> = new Set()): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if ((secretKeys.has(name) || isSecretKey(name)) && typeof value === 'string' && value !== '' && !values.includes(value)) values.push(value);
  }
  return values;
}

/** A redacter for what a run prints: secret keys, and the secret params' values wherever they went. */
export function secretParamsHider(params: Record<string, unknown>): <T>(shown: T) => T {
  const values = secretParamValues(params);
  return <T>(shown: T): T => redact(shown, new Set(), values) as T;
}

export function redact(value: unknown, secretKeys: ReadonlySet<string> = new Set(), secretValues: readonly string[] = []): unknown {
  if (typeof value === 'string') return secretValues.length ? redactString(value, secretValues) : value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secretKeys, secretValues));
  if (!value || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const isK8sSecret = obj.kind === 'Secret' && typeof obj.apiVersion === 'string';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (isK8sSecret && (k === 'data' || k === 'stringData')) out[k] = digestSecretData(v);
    else if ((secretKeys.has(k) || isSecretKey(k)) && v !== undefined && v !== null && v !== '') out[k] = REDACTED;
    else out[k] = redact(v, secretKeys, secretValues);
  }
  return out;
}
