// Self-signed CA + serving certificate for the lab's HTTPS servers.
// ECDSA P-256 through WebCrypto: a few milliseconds, where RSA in JS takes hundreds.
// kubectl, @kubernetes/client-node and undici all accept ECDSA serving certificates.
// @peculiar/x509 v2 resolves its services through tsyringe, which needs the Reflect polyfill.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface LabTls {
  /** PEM of the CA that signed the serving certificate: what clients trust. */
  caPem: string;
  /** PEM serving certificate for 127.0.0.1 / localhost. */
  certPem: string;
  /** PEM PKCS#8 private key of the serving certificate. */
  keyPem: string;
  /** SHA-256 fingerprint of the serving certificate, `AA:BB:...` (as Proxmox shows it). */
  fingerprint256: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function serial(): string {
  // Positive serial number: clear the top bit of the first byte.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** Creates a fresh CA and a serving certificate valid for `hosts` (default 127.0.0.1, localhost). */
export async function createLabTls(commonName = 'runbook-lab', hosts = ['127.0.0.1', 'localhost']): Promise<LabTls> {
  const now = Date.now();
  const notBefore = new Date(now - DAY_MS);
  const notAfter = new Date(now + 3650 * DAY_MS);

  const caKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}-ca`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leafKeys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }));
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${commonName}`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: leafKeys.publicKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const keyDer = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  const thumb = Buffer.from(await leaf.getThumbprint('SHA-256')).toString('hex').toUpperCase();
  return {
    caPem: ca.toString('pem') + '\n',
    certPem: leaf.toString('pem') + '\n',
    keyPem: toPem(keyDer, 'PRIVATE KEY'),
    fingerprint256: thumb.match(/../g)!.join(':'),
  };
}
