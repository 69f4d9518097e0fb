/**
 * NodeRestriction's `admitCSR` (plugin/pkg/admission/noderestriction/admission.go, 1.33): a
 * kubelet's CertificateSigningRequest for the kubelet-serving or kube-apiserver-client-kubelet
 * signer must name the node itself (`CN=system:node:<node>`). Other signers, and every CSR when
 * AllowInsecureKubeletCertificateSigningRequests is on, pass.
 */
import { field } from '../authorizer/node-graph.js';
import { x509 } from '../../keys/x509-module.js';
import { forbidden, requireObject, type NodeRequest } from './node-restriction-request.js';

export const KUBELET_SIGNERS: readonly string[] = ['kubernetes.io/kubelet-serving', 'kubernetes.io/kube-apiserver-client-kubelet'];

/**
 * `certapi.ParseCSR` on `spec.request` (base64 of PEM in JSON): the subject's common name (the
 * last CN, as Go's pkix.Name keeps it). Throws Go's message for a missing PEM block; DER errors
 * carry the parser's own words (Go's asn1 texts are not reproduced, except for an empty body).
 */
function commonName(request: unknown): string | undefined {
  if (typeof request !== 'string') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  const pem = Buffer.from(request, 'base64').toString('latin1');
  // pem.Decode takes the first block, whatever its type
  const m = /-----BEGIN ([^\n-]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m || m[1] !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  const der = Buffer.from(m[2]!, 'base64'); // base64 decoding skips the line breaks
  if (der.length === 0) throw new Error('asn1: syntax error: sequence truncated');
  const csr = new (x509().Pkcs10CertificateRequest)(der);
  return csr.subjectName.getField('CN').at(-1);
}

export function admitCertificateSigningRequest(r: NodeRequest): void {
  if (r.gates.allowInsecureKubeletCertificateSigningRequests || r.a.operation !== 'CREATE') return;
  const csr = requireObject(r, r.a.object);
  if (!KUBELET_SIGNERS.includes(field(csr, 'spec', 'signerName') as string)) return;
  let cn: string | undefined;
  try {
    cn = commonName(field(csr, 'spec', 'request'));
  } catch (e) {
    throw forbidden(r.a, `unable to parse csr: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (cn !== `system:node:${r.node}`) throw forbidden(r.a, `can only create a node CSR with CN=system:node:${r.node}`);
}
