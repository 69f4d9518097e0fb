/**
 * Request authentication as kube-apiserver composes it (pkg/kubeapiserver/authenticator/config.go
 * and staging/src/k8s.io/apiserver/pkg/authentication/request): X.509 client certificates, then
 * bearer tokens, then anonymous. A union that fails on error: a presented credential that does
 * not authenticate is a 401 even when anonymous requests are allowed.
 */
import type { UserInfo } from '../registry/types.js';
import type { FaultReporter } from '../registry/applied-fault.js';
import type { BearerTokenChain } from './authenticators/bearer-token-chain.js';

export const ANONYMOUS: Required<UserInfo> = { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} };
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';
/** bearertoken.go: `Bearer  <token>` (two spaces) is ignored, with this warning */
export const EXTRA_SPACE_WARNING = 'the provided Authorization header contains extra space before the bearer token, and is ignored';

/** What the TLS layer says of the client's certificate (no certificate: undefined). */
export interface ClientCertificate {
  /** subject CN values (Go keeps the last) and O values */
  commonNames: readonly string[];
  organizations: readonly string[];
  /** verified against the client CAs */
  verified: boolean;
  /** why verification failed */
  error?: string;
  /** SHA-256 of the DER certificate, lower-case hex */
  sha256?: string;
}

export interface RequestCredentials {
  certificate?: ClientCertificate;
  /** the `Authorization` header, as sent */
  authorization?: string;
  /** hears of a TokenFault that acted on the bearer token (the request's audit event is annotated) */
  report?: FaultReporter;
}

export type RequestAuthentication =
  | { ok: true; user: UserInfo; warnings: string[]; annotations?: Readonly<Record<string, string>> }
  /** a 401; `reason` is for the log only, as kube-apiserver logs it */
  | { ok: false; reason: string; warnings: string[] };

/**
 * The request authenticator:
 * - a verified client certificate: user CN (the last), groups the O values, credential id
 *   `X509SHA256=<hex>` (KEP-4193); a certificate without a CN is no opinion;
 * - `Authorization` as bearertoken.go reads it: trimmed, split on single spaces (at most 3
 *   parts); `bearer` in any case, then the second part is the token: anything after it is
 *   ignored, an empty one (two spaces) is no opinion with a warning; a token the chain rejects
 *   is `invalid bearer token` (401);
 * - an unverified certificate with no token that authenticates: 401;
 * - otherwise anonymous, when allowed, else 401.
 * @example
 * const authn = new RequestAuthenticator({ chain, anonymous: true });
 * const r = await authn.authenticate({ authorization: `Bearer ${token}` });
 */
export class RequestAuthenticator {
  constructor(private readonly opts: { chain: BearerTokenChain; anonymous: boolean }) {}

  authenticate(c: RequestCredentials): RequestAuthentication | Promise<RequestAuthentication> {
    const warnings: string[] = [];
    const cert = c.certificate;
    if (cert?.verified) {
      const cn = cert.commonNames[cert.commonNames.length - 1];
      if (cn) return { ok: true, user: certificateUser(cn, cert), warnings };
    }
    const token = bearerToken(c.authorization, warnings);
    if (token !== undefined) {
      const r = this.opts.chain.answer(token, undefined, c.report);
      const settle = (x: Awaited<typeof r>): RequestAuthentication => ('user' in x ? { ok: true, user: x.user, warnings, ...(x.annotations ? { annotations: x.annotations } : {}) } : { ok: false, reason: x.error, warnings });
      return r instanceof Promise ? r.then(settle) : settle(r);
    }
    if (cert && !cert.verified) return { ok: false, reason: `verifying certificate: ${cert.error ?? 'unauthorized'}`, warnings };
    if (!this.opts.anonymous) return { ok: false, reason: 'anonymous requests are not allowed', warnings };
    return { ok: true, user: ANONYMOUS, warnings };
  }
}

function certificateUser(cn: string, cert: ClientCertificate): UserInfo {
  const extra: Record<string, string[]> = cert.sha256 ? { [EXTRA_CREDENTIAL_ID]: [`X509SHA256=${cert.sha256}`] } : {};
  return { username: cn, uid: '', groups: [...cert.organizations, 'system:authenticated'], extra };
}

/** The token of an `Authorization` header as bearertoken.go finds it, or undefined (no opinion). */
function bearerToken(header: string | undefined, warnings: string[]): string | undefined {
  const auth = (header ?? '').trim();
  if (auth === '') return undefined;
  const parts = splitN(auth, ' ', 3);
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  const token = parts[1]!;
  if (token === '') {
    if (parts.length === 3) warnings.push(EXTRA_SPACE_WARNING);
    return undefined;
  }
  return token;
}

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}
