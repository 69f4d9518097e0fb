import { X509Certificate } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Clock } from '../clock/index.js';
import { createFileExclusive, writeFileAtomic } from './atomic-file.js';
import { createCertificateAuthority, issueCertificate, keyMatchesCertificate } from './certificates.js';

/** kubeadm's name of the cluster CA certificate (also published as the `kube-root-ca.crt` ConfigMap). */
export const CA_CERT_FILE = 'ca.crt';
/** kubeadm's name of the CA private key. */
export const CA_KEY_FILE = 'ca.key';
/** kubeadm's name of the API server's serving certificate. */
export const SERVING_CERT_FILE = 'apiserver.crt';
/** kubeadm's name of its private key. */
export const SERVING_KEY_FILE = 'apiserver.key';

/** The names every serving certificate carries (kubeadm's apiserver SANs for a local server). */
export const DEFAULT_SERVING_HOSTS: readonly string[] = Object.freeze([
  '127.0.0.1',
  '::1',
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
]);

const CA_DAYS = 3650;
const SERVING_DAYS = 365;

/** The PEM texts of the CA and the serving certificate. */
export interface ServingCertificates {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

/** An IP in one canonical text form (IPv6 compressed, lower case), or a DNS name in lower case. */
function canonicalHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) === 6) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return bare.toLowerCase();
}

function wantedNames(hosts: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const all = [...new Set([...DEFAULT_SERVING_HOSTS, ...hosts].map(canonicalHost))];
  return { dnsNames: all.filter((h) => isIP(h) === 0), ipAddresses: all.filter((h) => isIP(h) !== 0) };
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/**
 * Whether an existing serving certificate can be kept: its key matches, the CA signed it, it is
 * valid now (by `clock`), and its SANs include every wanted host.
 */
async function reusable(cert: string, key: string, caCert: string, wanted: readonly string[], clock: Clock): Promise<boolean> {
  try {
    if (!keyMatchesCertificate(key, cert)) return false;
    const parsed = new X509Certificate(cert);
    const ca = new X509Certificate(caCert);
    if (!parsed.verify(ca.publicKey)) return false;
    const now = clock.now();
    if (now < Date.parse(parsed.validFrom) || now >= Date.parse(parsed.validTo)) return false;
    const have = new Set(
      (parsed.subjectAltName ?? '')
        .split(', ')
        .map((n) => /^(?:DNS|IP Address):(.*)$/.exec(n)?.[1])
        .filter((v): v is string => !!v)
        .map(canonicalHost),
    );
    return wanted.every((h) => have.has(h));
  } catch {
    return false;
  }
}

async function ensureCa(dir: string, clock: Clock): Promise<{ caCert: string; caKey: string }> {
  const certFile = join(dir, CA_CERT_FILE);
  const keyFile = join(dir, CA_KEY_FILE);
  if (!(await exists(keyFile))) {
    const ca = await createCertificateAuthority({ clock, days: CA_DAYS });
    if (await createFileExclusive(keyFile, ca.key, 0o600)) {
      await writeFileAtomic(certFile, ca.cert, 0o644);
      return { caCert: ca.cert, caKey: ca.key };
    }
  }
  const [caCert, caKey] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  if (!keyMatchesCertificate(caKey, caCert)) throw new Error(`${certFile} does not match ${keyFile}`);
  return { caCert, caKey };
}

/**
 * The CA and serving certificate of `satoken serve`, kept in the keys directory with kubeadm's names:
 * - `ca.crt`/`ca.key`: created once (self-signed, CN `kubernetes`, 10 years, EC P-256) and reused;
 *   a `ca.crt` that does not match `ca.key` is an error, never silently replaced;
 * - `apiserver.crt`/`apiserver.key`: CN `kube-apiserver`, serverAuth, 1 year, SANs
 *   {@link DEFAULT_SERVING_HOSTS} plus `hosts` (IPs as IP SANs, others as DNS SANs); reused while it
 *   matches its key, was signed by this CA, is valid now and names every wanted host, else made anew.
 * Private keys are written 0600, certificates 0644, each atomically.
 * @example
 * const tls = await ensureServingCertificates('keys', { clock, hosts: ['my-laptop.local'] });
 * https.createServer({ cert: tls.cert, key: tls.key, ca: tls.caCert, requestCert: true, rejectUnauthorized: false }, app);
 */
export async function ensureServingCertificates(keysDir: string, options: { clock: Clock; hosts?: readonly string[] }): Promise<ServingCertificates> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const { caCert, caKey } = await ensureCa(keysDir, options.clock);
  const certFile = join(keysDir, SERVING_CERT_FILE);
  const keyFile = join(keysDir, SERVING_KEY_FILE);
  const names = wantedNames(options.hosts ?? []);
  if ((await exists(certFile)) && (await exists(keyFile))) {
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    if (await reusable(cert, key, caCert, [...names.dnsNames, ...names.ipAddresses], options.clock)) return { caCert, caKey, cert, key };
  }
  const serving = await issueCertificate({ caCert, caKey, subject: [{ CN: ['kube-apiserver'] }], usage: 'serverAuth', ...names, clock: options.clock, days: SERVING_DAYS });
  await writeFileAtomic(keyFile, serving.key, 0o600);
  await writeFileAtomic(certFile, serving.cert, 0o644);
  return { caCert, caKey, ...serving };
}
