import type { Clock } from '../clock/index.js';
import { issueCertificate, readCertificate, type CertificateAndKey } from './certificates.js';

/** What Kubernetes' X.509 authenticator reads from a client certificate. */
export interface CertificateSubject {
  /** The subject's common name (the last CN when there are several, as Go's pkix.Name keeps it). */
  user: string;
  /** The subject's organizations, in order. */
  groups: string[];
}

/** Who a client certificate is for, and who signs it. */
export interface ClientCertificateOptions {
  /** The CA that the API server trusts for client certificates (`--client-ca-file`). */
  caCert: string;
  caKey: string;
  /** Becomes the subject CN. */
  user: string;
  /** Each becomes a subject O (e.g. `system:masters`). */
  groups: readonly string[];
  clock: Clock;
  /** Validity from now (the certificate is back-dated 5 minutes, as kubeadm does). */
  days: number;
}

/**
 * A client certificate for X.509 authentication, as kubeadm writes into admin.conf: subject
 * `O=<group>…, CN=<user>` (organizations first, as Go orders a pkix.Name), extended key usage
 * clientAuth, a new EC P-256 key.
 * @example
 * const { cert, key } = await issueClientCertificate({ caCert, caKey, user: 'kubernetes-admin', groups: ['system:masters'], clock, days: 365 });
 */
export async function issueClientCertificate(options: ClientCertificateOptions): Promise<CertificateAndKey> {
  if (options.user === '') throw new Error('a client certificate needs a user name (the subject CN)');
  if (!Number.isFinite(options.days) || options.days <= 0) throw new Error(`days must be a positive number, got ${options.days}`);
  return issueCertificate({
    caCert: options.caCert,
    caKey: options.caKey,
    subject: [...options.groups.map((g) => ({ O: [g] })), { CN: [options.user] }],
    usage: 'clientAuth',
    clock: options.clock,
    days: options.days,
  });
}

/**
 * The user and groups Kubernetes' X.509 authenticator takes from a certificate
 * (`CommonNameUserConversion`, staging/src/k8s.io/apiserver/pkg/authentication/request/x509):
 * user = subject CN, groups = subject O values. Takes PEM (first CERTIFICATE block) or DER.
 * @example
 * certificateSubject(cert); // { user: 'kubernetes-admin', groups: ['system:masters'] }
 */
export function certificateSubject(pemOrDer: string | Uint8Array): CertificateSubject {
  const name = readCertificate(pemOrDer).subjectName;
  const cns = name.getField('CN');
  return { user: cns[cns.length - 1] ?? '', groups: name.getField('O') };
}
