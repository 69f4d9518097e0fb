/**
 * `--client-ca-file`: the CA bundle kube-apiserver's X.509 authenticator trusts for client
 * certificates (staging/src/k8s.io/apiserver/pkg/server/dynamiccertificates/dynamic_cafile_content.go,
 * `cert.ParseCertsPEM`). Every CERTIFICATE block must parse, and there must be at least one.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodePemBlocks } from '../../keys/pem.js';
import { goPathError } from '../../util/go-format.js';

/**
 * `cert.ParseCertsPEM`'s error for a bundle without certificates.
 * @example
 * err.message.endsWith(NO_CERTIFICATES_MESSAGE);
 */
export const NO_CERTIFICATES_MESSAGE = 'data does not contain any valid RSA or ECDSA certificates';

/**
 * A CA bundle file that cannot be used; the message names the file and says why, with Go's words
 * for the reason (`open <path>: no such file or directory`, `missing content for CA bundle`, ...).
 * @example
 * try { loadClientCaFile('/nope'); } catch (e) { (e as ClientCaFileError).message; } // 'unable to load client CA file "/nope": open /nope: no such file or directory'
 */
export class ClientCaFileError extends Error {
  override readonly name = 'ClientCaFileError';
  constructor(readonly path: string, readonly reason: string) {
    super(`unable to load client CA file "${path}": ${reason}`);
  }
}

function readReason(path: string, e: NodeJS.ErrnoException): string {
  return goPathError(path, e) ?? e.message;
}

/**
 * The PEM certificates of a CA bundle, one string each, ready for the https server's `ca` list
 * (beside the cluster CA).
 * @example
 * const extra = loadClientCaFile('/etc/kubernetes/pki/extra-ca.crt');
 * https.createServer({ ca: [tls.caCert, ...extra], requestCert: true, rejectUnauthorized: false, cert, key }, app);
 */
export function loadClientCaFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClientCaFileError(path, readReason(path, e as NodeJS.ErrnoException));
  }
  if (text.length === 0) throw new ClientCaFileError(path, `missing content for CA bundle "client-ca-bundle::${path}"`);
  const certs: string[] = [];
  for (const block of decodePemBlocks(text)) {
    if (block.type !== 'CERTIFICATE') continue;
    try {
      certs.push(new X509Certificate(block.der).toString());
    } catch (e) {
      throw new ClientCaFileError(path, (e as Error).message);
    }
  }
  if (certs.length === 0) throw new ClientCaFileError(path, NO_CERTIFICATES_MESSAGE);
  return certs;
}
