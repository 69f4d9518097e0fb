import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

/** Why a document could not be had: the network, the status, or the body. */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly url: string,
    readonly kind: 'network' | 'status' | 'body',
    message: string,
  ) {
    super(message);
  }
}

export interface FetchJsonOptions {
  /** PEM certificates trusted besides Node's bundled roots (satoken's own CA), read at each fetch */
  ca?: readonly string[] | (() => readonly string[]);
  /** the whole exchange, in milliseconds (default 5000) */
  timeoutMs?: number;
  /** the largest body read (default 256 KiB) */
  maxBytes?: number;
}

export type JsonFetcher = (url: string) => Promise<unknown>;

/**
 * A GET of a JSON document over http or https, as a cloud fetches an issuer's discovery document
 * and JWKS: no redirects followed, a 200 required, a bounded body that must parse as JSON, and a
 * bounded wait. Failures are {@link FetchError}s saying which of the three failed.
 * @example
 * const get = jsonFetcher({ ca: [caPem] });
 * const doc = await get('https://127.0.0.1:6443/.well-known/openid-configuration');
 */
export function jsonFetcher(o: FetchJsonOptions = {}): JsonFetcher {
  const extraCa = typeof o.ca === 'function' ? o.ca : () => (o.ca as readonly string[] | undefined) ?? [];
  const timeoutMs = o.timeoutMs ?? 5000;
  const maxBytes = o.maxBytes ?? 256 * 1024;
  return (url) =>
    new Promise((resolve, reject) => {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return reject(new FetchError(url, 'network', `invalid URL ${JSON.stringify(url)}`));
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return reject(new FetchError(url, 'network', `unsupported scheme ${u.protocol}`));
      const fail = (kind: FetchError['kind'], message: string) => reject(new FetchError(url, kind, message));
      const extra = extraCa();
      const ca = extra.length ? [...rootCertificates, ...extra] : undefined;
      const onResponse = (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          return fail('status', `${url} answered ${res.statusCode}`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy();
            fail('body', `${url} sent more than ${maxBytes} bytes`);
          } else chunks.push(c);
        });
        res.on('end', () => {
          if (size > maxBytes) return;
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
          } catch {
            fail('body', `${url} did not send JSON`);
          }
        });
        res.on('error', (e) => fail('network', e.message));
      };
      const req = u.protocol === 'https:' ? httpsRequest(u, { method: 'GET', headers: { accept: 'application/json' }, ...(ca ? { ca } : {}) }, onResponse) : httpRequest(u, { method: 'GET', headers: { accept: 'application/json' } }, onResponse);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
      req.on('error', (e) => fail('network', e.message));
      req.end();
    });
}
