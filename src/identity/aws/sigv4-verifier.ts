import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from 'node:crypto';
import { stsErrors } from './sts-error.js';
import type { IssuedAwsCredentials } from './sts-credentials.js';

/** A request as the server received it, in the parts SigV4 signs. */
export interface ReceivedRequest {
  method: string;
  /** the path as sent (percent-encoded) */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** How far a request's `X-Amz-Date` may be from the server's clock (AWS: 15 minutes). */
const MAX_SKEW_MS = 15 * 60_000;
const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/** node:crypto's SHA-256 and HMAC-SHA256 in the shape @smithy/signature-v4 asks for. */
type Bytes = string | ArrayBuffer | ArrayBufferView;

function bytes(d: Bytes): string | Uint8Array {
  if (typeof d === 'string') return d;
  return d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: Bytes) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Bytes): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

function header(headers: ReceivedRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** `20240101T000000Z` as a Date, or undefined. */
function amzDate(s: string | undefined): Date | undefined {
  const m = s === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

/**
 * Verifies a SigV4 `Authorization` header made with credentials this STS issued, by signing the
 * received request again with the AWS SDKs' own signer over exactly the headers the client
 * signed, and returns the credentials. Refusals, in STS's words:
 * - no `Authorization` header: `MissingAuthenticationToken`; a malformed one, or no
 *   `X-Amz-Date`: `IncompleteSignature`
 * - an unknown access key id, or a session token other than the one issued with it:
 *   `InvalidClientTokenId`
 * - credentials past their expiration: `ExpiredToken`
 * - an `X-Amz-Date` more than 15 minutes from now: `SignatureDoesNotMatch` (signature expired)
 * - any other difference: `SignatureDoesNotMatch`
 * @example
 * const creds = await verifySigV4(received, (id) => store.get(id), clock.now());
 */
export async function verifySigV4(req: ReceivedRequest, lookup: (accessKeyId: string) => IssuedAwsCredentials | undefined, now: number): Promise<IssuedAwsCredentials> {
  const auth = header(req.headers, 'authorization');
  if (auth === undefined) throw stsErrors.missingAuthentication();
  const m = AUTH.exec(auth.trim());
  if (!m) throw stsErrors.incompleteSignature(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters, and the algorithm AWS4-HMAC-SHA256.`);
  const [, accessKeyId, shortDate, region, service, signedHeaderList, signature] = m as unknown as [string, string, string, string, string, string, string];
  const date = amzDate(header(req.headers, 'x-amz-date'));
  if (!date) throw stsErrors.incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const creds = lookup(accessKeyId);
  if (!creds) throw stsErrors.invalidClientTokenId();
  const token = header(req.headers, 'x-amz-security-token');
  if (token !== creds.sessionToken) throw stsErrors.invalidClientTokenId();
  if (creds.expiration <= now) throw stsErrors.expiredCredentials();
  if (Math.abs(date.getTime() - now) > MAX_SKEW_MS) {
    const fmt = (t: number) => new Date(t).toISOString().replace(/[-:]|\.\d{3}/g, '');
    throw stsErrors.signatureExpired(`Signature expired: ${fmt(date.getTime())} is now earlier than ${fmt(now - MAX_SKEW_MS)} (${fmt(now)} - 15 min.)`);
  }
  const signed = signedHeaderList.split(';');
  if (!signed.includes('host') || fmtShort(date) !== shortDate) throw stsErrors.signatureMismatch();
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const v = header(req.headers, name);
    if (v !== undefined) headers[name] = v;
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of req.query) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  // loaded on the first STS call: ~50 ms a server start need not pay
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const signer = new SignatureV4({
    service,
    region,
    sha256: NodeSha256,
    applyChecksum: signed.includes('x-amz-content-sha256'),
    credentials: { accessKeyId, secretAccessKey: creds.secretAccessKey, ...(signed.includes('x-amz-security-token') ? { sessionToken: creds.sessionToken } : {}) },
  });
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    throw stsErrors.signatureMismatch();
  }
  const resigned = (await signer.sign({ method: req.method, protocol: 'https:', hostname: '', path, query, headers, body: req.body } as never, { signingDate: date, signableHeaders: new Set(signed) })) as { headers: Record<string, string> };
  const expected = /Signature=([0-9a-f]{64})$/.exec(resigned.headers.authorization ?? '')?.[1] ?? '';
  const sameHeaders = /SignedHeaders=([^,]+),/.exec(resigned.headers.authorization ?? '')?.[1] === signedHeaderList;
  if (!sameHeaders || expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) throw stsErrors.signatureMismatch();
  return creds;
}

function fmtShort(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}
