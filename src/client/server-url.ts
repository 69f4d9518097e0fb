import { posix } from 'node:path';
import { goQuote } from '../util/go-format.js';
import type { Connection } from './kubeconfig.js';

/**
 * The URL client-go's REST client POSTs to when a request names no resource (the generic
 * webhook's case, staging/src/k8s.io/apiserver/pkg/util/webhook/webhook.go):
 * - the kubeconfig server as `DefaultServerURL` (staging/src/k8s.io/client-go/rest/url_utils.go)
 *   takes it: a URL as it is; a bare `host:port` gets `https://` when the kubeconfig has a CA,
 *   a client certificate or the insecure flag, else `http://`; a bare host with a path is refused;
 * - its path cleaned as `path.Join("/", base.Path)` does (no trailing slash), the query and
 *   fragment dropped (`Request.URL`).
 * Throws Go's messages for a server that does not parse.
 * @example
 * restRequestUrl({ server: '127.0.0.1:8443' }).href; // 'http://127.0.0.1:8443/'
 * restRequestUrl({ server: 'https://authz.example//v1/./sar/?x=1' }).href; // 'https://authz.example/v1/sar'
 */
export function restRequestUrl(conn: Pick<Connection, 'server' | 'caData' | 'clientCertData' | 'insecureSkipTLSVerify'>): URL {
  const host = conn.server || 'localhost';
  let base: URL | undefined;
  try {
    base = new URL(host);
  } catch {
    base = undefined;
  }
  if (!base || !base.host) {
    const scheme = conn.caData || conn.clientCertData || conn.insecureSkipTLSVerify ? 'https://' : 'http://';
    try {
      base = new URL(scheme + host);
    } catch {
      throw new Error(`parse ${goQuote(scheme + host)}: invalid URL`);
    }
    if (base.pathname !== '' && base.pathname !== '/') throw new Error(`host must be a URL or a host:port pair: ${goQuote(host)}`);
  }
  const url = new URL(base.href);
  const cleaned = posix.normalize(`/${base.pathname}`);
  url.pathname = cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
  url.search = '';
  url.hash = '';
  return url;
}
