import type * as X509 from '@peculiar/x509';
import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { x509 } from './x509-module.js';
import type { Clock } from '../clock/index.js';
import { curveOf } from './algorithm.js';
import { decodePemBlocks, parsePrivateKeyPem } from './pem.js';

/** Node's WebCrypto, handed to @peculiar/x509 explicitly (no global provider is set). */
const crypto = webcrypto;
type CryptoKey = webcrypto.CryptoKey;
type SigningAlgorithm = webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** kubeadm back-dates certificates so that clients with a slightly slow clock accept them (`CertificateBackdate`). */
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  cert: string;
  key: string;
}

/** What {@link issueCertificate} puts in a leaf certificate. */
export interface LeafOptions {
  caCert: string;
  caKey: string;
  /** Subject as RDNs in order, e.g. `[{ O: ['system:masters'] }, { CN: ['admin'] }]`. */
  subject: Array<Record<string, string[]>>;
  usage: 'serverAuth' | 'clientAuth';
  /** Subject alternative names (server certificates). */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  clock: Clock;
  days: number;
}

/**
 * The first certificate of a PEM text (or DER bytes), parsed.
 * @example
 * readCertificate(readFileSync('keys/ca.crt', 'utf8')).subject; // 'CN=kubernetes'
 */
export function readCertificate(pemOrDer: string | Uint8Array): X509.X509Certificate {
  if (typeof pemOrDer !== 'string') return new (x509().X509Certificate)(pemOrDer);
  const block = decodePemBlocks(pemOrDer).find((b) => b.type === 'CERTIFICATE');
  if (!block) throw new Error('no CERTIFICATE block in the PEM data');
  return new (x509().X509Certificate)(block.der);
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40; // positive, no leading zero byte
  return bytes.toString('hex');
}

function validity(clock: Clock, days: number): { notBefore: Date; notAfter: Date } {
  const now = clock.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

async function newKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A CA private key (RSA or EC, any PEM form satoken reads) as a WebCrypto signing key. */
async function importSigningKey(pem: string): Promise<{ key: CryptoKey; algorithm: SigningAlgorithm }> {
  const keyObject: KeyObject = parsePrivateKeyPem(pem);
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  if (keyObject.asymmetricKeyType === 'ec') {
    const key = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: curveOf(keyObject) }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash: 'SHA-256' } };
  }
  if (keyObject.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { key: await crypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']), algorithm };
  }
  throw new Error(`unsupported CA key type ${JSON.stringify(keyObject.asymmetricKeyType)}, must be RSA or ECDSA`);
}

/**
 * Whether a PEM private key is the key of a certificate.
 * @example
 * keyMatchesCertificate(caKeyPem, caCertPem); // true
 */
export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  const fromKey = createPublicKey(parsePrivateKeyPem(keyPem)).export({ type: 'spki', format: 'der' });
  return new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' }).equals(fromKey);
}

/**
 * A self-signed CA as kubeadm makes it (`NewSelfSignedCACert`): CN `kubernetes` by default, valid
 * 10 years from 5 minutes before now, basic constraints CA (critical), key usage digitalSignature,
 * keyEncipherment, keyCertSign (critical), a subject key id; EC P-256 key (fast to make).
 * @example
 * const ca = await createCertificateAuthority({ clock: new RealClock() });
 */
export async function createCertificateAuthority(options: { clock: Clock; commonName?: string; days?: number }): Promise<CertificateAndKey> {
  const keys = await newKeyPair();
  const name = [{ CN: [options.commonName ?? 'kubernetes'] }];
  const usages = x509().KeyUsageFlags.digitalSignature | x509().KeyUsageFlags.keyEncipherment | x509().KeyUsageFlags.keyCertSign;
  const cert = await x509().X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: name,
      issuer: name,
      ...validity(options.clock, options.days ?? 3650),
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new (x509().BasicConstraintsExtension)(true, undefined, true),
        new (x509().KeyUsagesExtension)(usages, true),
        await x509().SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/**
 * A leaf certificate signed by the CA, with a new EC P-256 key: key usage digitalSignature and
 * keyEncipherment (critical), the one extended key usage asked for, not a CA, the CA's key id as
 * authority key id, and the given subject alternative names.
 * @example
 * const { cert, key } = await issueCertificate({ caCert, caKey, subject: [{ CN: ['kube-apiserver'] }], usage: 'serverAuth', ipAddresses: ['127.0.0.1'], clock, days: 365 });
 */
export async function issueCertificate(options: LeafOptions): Promise<CertificateAndKey> {
  const ca = readCertificate(options.caCert);
  const signer = await importSigningKey(options.caKey);
  const keys = await newKeyPair();
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const usages = x509().KeyUsageFlags.digitalSignature | x509().KeyUsageFlags.keyEncipherment;
  const cert = await x509().X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: options.subject,
      issuer: ca.subjectName,
      ...validity(options.clock, options.days),
      publicKey: keys.publicKey,
      signingKey: signer.key,
      signingAlgorithm: signer.algorithm,
      extensions: [
        new (x509().BasicConstraintsExtension)(false, undefined, true),
        new (x509().KeyUsagesExtension)(usages, true),
        new (x509().ExtendedKeyUsageExtension)([x509().ExtendedKeyUsage[options.usage]], false),
        await x509().AuthorityKeyIdentifierExtension.create(ca.publicKey, false, crypto),
        ...(names.length > 0 ? [new (x509().SubjectAlternativeNameExtension)(names, false)] : []),
      ],
    },
    crypto,
  );
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}
