import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { lazyModule } from '../util/lazy-module.js';
import type { Clock, TimerHandle } from '../clock/index.js';
import { goQuote } from '../util/go-format.js';
import { clockSleep } from './clock-sleep.js';
import { goTransportFailure, goUrlErrorText, type NodeRequestError } from './go-net-errors.js';
import type { Connection } from './kubeconfig.js';
import { RestError, retryAfterSeconds, type RestResponse } from './rest-errors.js';
import { restRequestUrl } from './server-url.js';

/** cockatiel, loaded on the first call that may retry (a server start need not pay its ~35 ms) */
const cockatiel = lazyModule<typeof import('cockatiel')>('cockatiel');

/**
 * Options: `clock` times the request timeout and the Retry-After waits (without one, Node's
 * socket timeout bounds the call and a retry follows at once); `timeoutMs` bounds each request
 * (30 s).
 * @example
 * const opts: RestTransportOptions = { clock: new RealClock(), timeoutMs: 10_000 };
 */
export interface RestTransportOptions {
  clock?: Clock;
  timeoutMs?: number;
}

/** client-go's `maxRetries` for responses carrying Retry-After (staging/src/k8s.io/client-go/rest/with_retry.go). */
const MAX_RETRY_AFTER_RETRIES = 10;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The REST transport client-go gives the generic webhook (authorization webhooks today; token
 * exchanges and audit webhooks can share it): POSTs JSON to the server a kubeconfig connection
 * names, and reads the answer as client-go does.
 * - https with the kubeconfig's CA, client certificate and key, or its insecure flag; plain http;
 *   any other scheme fails as Go's http.Client does (`Post "<url>": unsupported protocol scheme`).
 * - Asks for gzip (as Go's transport does) and undoes exactly that encoding.
 * - Each request is bounded by `timeoutMs` on the clock (`context deadline exceeded`).
 * - A 429 or 5xx with a Retry-After of whole seconds is asked again after that many seconds, up
 *   to 10 times (client-go's `checkWait`/`maxRetries`); the last answer is returned.
 * - A failure below HTTP is a {@link RestError} in Go's words (`Post "<url>": dial tcp ...`).
 * @example
 * const transport = new RestTransport(loadKubeconfig(path), { clock });
 * const text = successBody(await transport.post(JSON.stringify(review)));
 */
export class RestTransport {
  /** where every request goes (the kubeconfig server, as the REST client builds it) */
  readonly url: URL;

  constructor(
    private readonly conn: Connection,
    private readonly opts: RestTransportOptions = {},
  ) {
    this.url = restRequestUrl(conn);
  }

  /** POSTs `body`, waiting out Retry-After answers as the REST client does. */
  async post(body: string): Promise<RestResponse> {
    let wait = 0;
    const asksToWait = (r: unknown) => {
      const res = r as RestResponse;
      const seconds = res.code === 429 || res.code >= 500 ? retryAfterSeconds(res.headers['retry-after']) : undefined;
      wait = (seconds ?? 0) * 1000;
      return seconds !== undefined;
    };
    const policy = cockatiel().retry(cockatiel().handleWhenResult(asksToWait), { maxAttempts: MAX_RETRY_AFTER_RETRIES });
    return policy.execute(async ({ attempt }) => {
      if (attempt > 0) await clockSleep(this.opts.clock, wait);
      return this.postOnce(body);
    });
  }

  /** One POST; resolves with any HTTP answer, rejects with a {@link RestError} below HTTP. */
  postOnce(body: string): Promise<RestResponse> {
    const url = this.url;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Accept-Encoding': 'gzip', 'Content-Length': String(Buffer.byteLength(body)) };
    if (this.conn.token) headers.Authorization = `Bearer ${this.conn.token}`;
    const options: https.RequestOptions = { method: 'POST', headers };
    if (url.protocol === 'https:') {
      if (this.conn.caData) options.ca = this.conn.caData;
      if (this.conn.clientCertData) options.cert = this.conn.clientCertData;
      if (this.conn.clientKeyData) options.key = this.conn.clientKeyData;
      if (this.conn.insecureSkipTLSVerify) options.rejectUnauthorized = false;
    } else if (url.protocol !== 'http:') {
      return Promise.reject(new RestError(goUrlErrorText('POST', url, `unsupported protocol scheme ${goQuote(url.protocol.slice(0, -1))}`)));
    }
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const clock = this.opts.clock;
    return new Promise((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const done = () => clock?.clearTimeout(timer);
      const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        // client-go's transformResponse when reading the body fails
        const unreadable = (why: string) => new RestError(`unexpected error when reading response body. Please retry. Original error: ${why}`);
        res.on('error', (e: NodeJS.ErrnoException) => {
          done();
          reject(unreadable(e.code === 'ETIMEDOUT' ? 'context deadline exceeded' : 'unexpected EOF'));
        });
        res.on('end', () => {
          done();
          let data = Buffer.concat(chunks);
          // Go's transport asked for gzip itself, so it undoes exactly that encoding
          if (res.headers['content-encoding'] === 'gzip' && data.length > 0) {
            try {
              data = gunzipSync(data);
            } catch {
              return reject(unreadable('gzip: invalid header'));
            }
          }
          resolve({ code: res.statusCode ?? 0, headers: res.headers, body: data });
        });
      });
      const deadline = () => req.destroy(Object.assign(new Error('context deadline exceeded'), { code: 'ETIMEDOUT' }));
      if (clock) timer = clock.setTimeout(deadline, timeoutMs);
      else req.setTimeout(timeoutMs, deadline);
      req.on('error', (e: NodeRequestError) => {
        done();
        const { why, reset } = goTransportFailure(url, e, req.socket ?? undefined);
        reject(new RestError(goUrlErrorText('POST', url, why), undefined, reset));
      });
      req.end(body);
    });
  }
}
