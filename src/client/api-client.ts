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
        ...(isHttps
          ? {
              ...(conn.caData ? { ca: conn.caData } : {}),
              rejectUnauthorized: !conn.insecureSkipTLSVerify,
              ...(conn.clientCertData && conn.clientKeyData ? { cert: conn.clientCertData, key: conn.clientKeyData } : {}),
            }
          : {}),
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
