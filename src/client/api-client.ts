import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Connection } from './kubeconfig.js';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = unknown>(): T;
}

export class TransportError extends Error {}

/**
 * A minimal Kubernetes API client over node:http(s) with the connection's CA, token and client
 * certificate: what the CLI and the kubelet agent need, no more.
 * @example
 * const res = await apiRequest(conn, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: {} });
 */
export function apiRequest(conn: Connection, method: string, path: string, body?: unknown, opts: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const url = new URL(path, conn.server.endsWith('/') ? conn.server : `${conn.server}/`);
  const isHttps = url.protocol === 'https:';
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'satoken', ...(opts.headers ?? {}) };
  if (payload) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  if (conn.token) headers.Authorization = `Bearer ${conn.token}`;
  return new Promise((resolve, reject) => {
    const req = (isHttps ? httpsRequest : httpRequest)(
      url,
      {
        method,
        headers,
        ...tlsOptions(conn, isHttps),
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json<T>() {
              return JSON.parse(text) as T;
            },
          });
        });
        res.on('error', (e) => reject(new TransportError(e.message)));
      },
    );
    req.on('timeout', () => req.destroy(new TransportError(`request to ${url.origin} timed out`)));
    req.on('error', (e) => reject(new TransportError(`${url.origin}: ${e.message}`)));
    if (payload) req.write(payload);
    req.end();
  });
}

/** The TLS settings of a connection: its CA, whether to verify, its client certificate. */
function tlsOptions(conn: Connection, isHttps: boolean): Record<string, unknown> {
  if (!isHttps) return {};
  return {
    ...(conn.caData ? { ca: conn.caData } : {}),
    rejectUnauthorized: !conn.insecureSkipTLSVerify,
    ...(conn.clientCertData && conn.clientKeyData ? { cert: conn.clientCertData, key: conn.clientKeyData } : {}),
  };
}

/**
 * A GET whose answer is read line by line as it arrives (a watch, `satoken audit -f`): `onLine`
 * gets each complete line; resolves when the server ends the stream or `opts.signal` aborts it,
 * rejects on a transport failure or a status other than 200 (with the body's Status message).
 * @example
 * await apiStream(conn, '/debug/audit/events?watch=true', (line) => console.log(line));
 */
export function apiStream(conn: Connection, path: string, onLine: (line: string) => void, opts: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<void> {
  const url = new URL(path, conn.server.endsWith('/') ? conn.server : `${conn.server}/`);
  const isHttps = url.protocol === 'https:';
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'satoken', ...(opts.headers ?? {}) };
  if (conn.token) headers.Authorization = `Bearer ${conn.token}`;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return resolve();
    const req = (isHttps ? httpsRequest : httpRequest)(url, { method: 'GET', headers, ...tlsOptions(conn, isHttps) }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        if (res.statusCode !== 200) return;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) onLine(line);
        }
      });
      res.on('end', () => {
        if (res.statusCode !== 200) {
          let message = buf.trim();
          try {
            message = (JSON.parse(buf) as { message?: string }).message ?? message;
          } catch {
            // a plain-text answer
          }
          return reject(new TransportError(`${res.statusCode}: ${message}`));
        }
        if (buf.trim()) onLine(buf);
        resolve();
      });
      res.on('error', (e) => reject(new TransportError(e.message)));
    });
    // aborting ends the stream quietly: what was read has been handed to onLine
    const abort = () => {
      req.destroy();
      resolve();
    };
    opts.signal?.addEventListener('abort', abort, { once: true });
    req.on('close', () => opts.signal?.removeEventListener('abort', abort));
    req.on('error', (e) => reject(new TransportError(`${url.origin}: ${e.message}`)));
    req.end();
  });
}
