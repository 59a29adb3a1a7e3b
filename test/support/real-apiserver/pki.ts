// Certificates and keys for a throwaway apiserver, made with the openssl CLI: a self-signed CA,
// a serving certificate for 127.0.0.1 signed by it, and a service-account signing key pair.
// EC P-256 keys: generated in milliseconds, accepted by Go's TLS and by the apiserver's
// keyutil (PKCS#8 "PRIVATE KEY" PEM), and ES256 for service-account tokens.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  caCertPath: string;
  caPem: string;
  servingCertPath: string;
  servingKeyPath: string;
  saPublicKeyPath: string;
  saPrivateKeyPath: string;
}

async function openssl(bin: string, args: string[], cwd: string): Promise<void> {
  try {
    await run(bin, args, { cwd });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(err)}`, { cause: err });
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function createPki(dir: string, opensslBin: string): Promise<Pki> {
  const p = (name: string) => join(dir, name);
  await openssl(opensslBin, ['req', '-x509', ...EC, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '2',
    '-subj', '/CN=runbook-real-apiserver-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);

  // SANs cover 127.0.0.1 (what the tests dial) and the in-cluster names a client might expect.
  await writeFile(p('serving.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1',
    '',
  ].join('\n'));
  await openssl(opensslBin, ['req', ...EC, '-keyout', p('apiserver.key'), '-out', p('apiserver.csr'),
    '-subj', '/CN=kube-apiserver'], dir);
  await openssl(opensslBin, ['x509', '-req', '-in', p('apiserver.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'),
    '-CAcreateserial', '-days', '2', '-extfile', p('serving.ext'), '-out', p('apiserver.crt')], dir);

  await openssl(opensslBin, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-out', p('sa.key')], dir);
  await openssl(opensslBin, ['pkey', '-in', p('sa.key'), '-pubout', '-out', p('sa.pub')], dir);

  return {
    caCertPath: p('ca.crt'),
    caPem: await readFile(p('ca.crt'), 'utf8'),
    servingCertPath: p('apiserver.crt'),
    servingKeyPath: p('apiserver.key'),
    saPublicKeyPath: p('sa.pub'),
    saPrivateKeyPath: p('sa.key'),
  };
}
