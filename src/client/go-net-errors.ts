import { goQuote } from '../util/go-format.js';

/** What Node attaches to a failed request's error (address, port, the peer certificate). */
export type NodeRequestError = NodeJS.ErrnoException & { address?: string; port?: number; host?: string; cert?: { subjectaltname?: string } };

/** The socket a request used, for the addresses of a reset connection. */
export interface SocketAddresses {
  localAddress?: string | undefined;
  localPort?: number | undefined;
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
}

/** `host:port`, the host bracketed when it is IPv6 (`net.JoinHostPort`). */
function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A URL's host without IPv6 brackets (`url.Hostname()`). */
function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * `x509.HostnameError`'s text (crypto/x509/verify.go), from the peer certificate Node attaches
 * to ERR_TLS_CERT_ALTNAME_INVALID.
 * @example
 * hostnameError('10.0.0.1', { subjectaltname: 'DNS:authz' }); // "x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs"
 */
export function hostnameError(host: string, cert: { subjectaltname?: string } | undefined): string {
  const sans = (cert?.subjectaltname ?? '').split(', ').filter(Boolean);
  const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice('IP Address:'.length));
  const dns = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice('DNS:'.length));
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  if (isIp && ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
  const valid = (isIp ? ips : dns).join(', ');
  if (!valid) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid}, not ${host}`;
}

/**
 * Why a request failed below HTTP, in the words of Go's dialer, TLS stack and transport (the part
 * of a `*url.Error` after `Post "<url>": `), and whether the connection was reset (which the
 * generic webhook retries).
 * @example
 * goTransportFailure(new URL('http://127.0.0.1:1/'), Object.assign(new Error('x'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 1 }));
 * // { why: 'dial tcp 127.0.0.1:1: connect: connection refused', reset: false }
 */
export function goTransportFailure(url: URL, e: NodeRequestError, socket?: SocketAddresses): { why: string; reset: boolean } {
  const fail = (why: string, reset = false) => ({ why, reset });
  switch (e.code) {
    case 'ECONNREFUSED':
      return fail(`dial tcp ${joinHostPort(e.address ?? url.hostname, e.port ?? url.port)}: connect: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(`dial tcp: lookup ${bareHostname(url)}: no such host`);
    case 'ECONNRESET':
      if (e.message === 'socket hang up') return fail('EOF');
      if (socket?.localAddress && socket.remoteAddress) return fail(`read tcp ${joinHostPort(socket.localAddress, socket.localPort ?? 0)}->${joinHostPort(socket.remoteAddress, socket.remotePort ?? 0)}: read: connection reset by peer`, true);
      return fail('read: connection reset by peer', true);
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return fail('tls: failed to verify certificate: x509: certificate signed by unknown authority');
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return fail('tls: failed to verify certificate: x509: certificate has expired or is not yet valid');
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return fail(`tls: failed to verify certificate: ${hostnameError(bareHostname(url), e.cert)}`);
    default:
      return fail(e.message);
  }
}

/**
 * The `*url.Error` text Go's http.Client returns: `<Method> "<url>": <why>`.
 * @example
 * goUrlErrorText('POST', new URL('ftp://h/x'), 'unsupported protocol scheme "ftp"'); // 'Post "ftp://h/x": unsupported protocol scheme "ftp"'
 */
export function goUrlErrorText(method: string, url: URL, why: string): string {
  const op = method.charAt(0).toUpperCase() + method.slice(1).toLowerCase();
  return `${op} ${goQuote(url.href)}: ${why}`;
}
