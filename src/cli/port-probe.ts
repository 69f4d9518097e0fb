import { createServer } from 'node:net';
import { apiRequest } from '../client/api-client.js';

/** What holds a TCP port: nothing, a satoken (with its version), or some other program. */
export type PortState = { state: 'free' } | { state: 'satoken'; url: string; version: string } | { state: 'other'; reason: string };

/** how long the /version probe of a busy port may take */
const PROBE_TIMEOUT_MS = 1500;

/** Whether `host:port` can be listened on now (the port is released again at once). */
function canListen(host: string, port: number): Promise<true | NodeJS.ErrnoException> {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => ok(e));
    s.listen({ host, port, exclusive: true }, () => s.close(() => ok(true)));
  });
}

/**
 * Who holds `host:port`:
 * - `free` when it can be listened on;
 * - `satoken` when `GET /version` there (HTTPS, then HTTP, any certificate) names a
 *   `+satoken` build, as satoken's /version does;
 * - `other` otherwise, with the listen error.
 * @example
 * await probePort('127.0.0.1', 6443); // { state: 'satoken', url: 'https://127.0.0.1:6443', version: 'v1.33.1+satoken' }
 */
export async function probePort(host: string, port: number): Promise<PortState> {
  const listen = await canListen(host, port);
  if (listen === true) return { state: 'free' };
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  for (const scheme of ['https', 'http']) {
    const url = `${scheme}://${authority}`;
    try {
      const res = await apiRequest({ server: url, insecureSkipTLSVerify: true }, 'GET', '/version', undefined, { timeoutMs: PROBE_TIMEOUT_MS });
      const version = (JSON.parse(res.body) as { gitVersion?: unknown }).gitVersion;
      if (typeof version === 'string' && version.endsWith('+satoken')) return { state: 'satoken', url, version };
      break;
    } catch {
      // not this scheme, or not an API server
    }
  }
  return { state: 'other', reason: listen.code === 'EADDRINUSE' ? 'address already in use' : listen.message };
}
