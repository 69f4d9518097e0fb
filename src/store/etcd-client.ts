import { ExponentialBackoff, noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import { StoreError } from './types.js';

/**
 * Default bound on one etcd call, and on a write waiting for its own watch event.
 * @example
 * createEtcdClient({ endpoints, requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS * 2 });
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/**
 * Default ceiling of the watch's reconnection backoff.
 * @example
 * createEtcdClient({ endpoints, reconnectMaxDelayMs: DEFAULT_RECONNECT_MAX_DELAY_MS / 4 });
 */
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 2_000;

/**
 * How to reach etcd (kube-apiserver's `--etcd-servers`, comma-split).
 * @example
 * const opts: EtcdConnectionOptions = { endpoints: ['http://127.0.0.1:2379'], requestTimeoutMs: 2000 };
 */
export interface EtcdConnectionOptions {
  /** `http://host:port` or `https://host:port` URLs of the etcd members */
  endpoints: string[];
  /** TLS to etcd: CA bundle and optional client certificate (PEM) */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** bound on each etcd call (default 5 s); a call that exceeds it fails with Unavailable */
  requestTimeoutMs?: number;
  /** ceiling of the backoff between watch reconnection attempts (default 2 s) */
  reconnectMaxDelayMs?: number;
}

/**
 * An etcd3 client set up for the store:
 * - no retries and no circuit breaker: a failed call surfaces at once as Unavailable (a retried
 *   transaction could report AlreadyExists for its own first attempt, and a breaker would keep
 *   failing calls for seconds after etcd is back);
 * - every unary call carries a deadline of `requestTimeoutMs` (a network timeout, hence the
 *   real clock);
 * - the watch reconnects with exponential backoff capped at `reconnectMaxDelayMs`;
 * - gRPC keepalive pings every 10 s, so a peer that vanished without closing the connection is
 *   noticed within ~15 s (etcd's default `--grpc-keepalive-min-time` is 5 s);
 * - no cap on received message size, so a list of every object fits in one response.
 * @example
 * const client = createEtcdClient({ endpoints: ['http://127.0.0.1:2379'] });
 * await client.put('/registry/x').value('{}');
 * client.close();
 */
export function createEtcdClient(opts: EtcdConnectionOptions): Etcd3 {
  if (opts.endpoints.length === 0) throw new RangeError('at least one etcd endpoint is required');
  const timeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return new Etcd3({
    hosts: opts.endpoints,
    ...(opts.tls ? { credentials: { rootCertificate: opts.tls.ca, ...(opts.tls.key ? { privateKey: opts.tls.key } : {}), ...(opts.tls.cert ? { certChain: opts.tls.cert } : {}) } } : {}),
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    faultHandling: {
      host: () => noop,
      global: noop,
      watchBackoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: opts.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS }).next(),
    },
    grpcOptions: {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.max_receive_message_length': -1,
    },
  });
}

/**
 * An etcd or transport failure as the store reports it: StoreError `Unavailable`, which the
 * registry renders as 503. StoreErrors pass through unchanged.
 * @example
 * await client.get('k').catch((e) => { throw unavailable(e); });
 */
export function unavailable(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('Unavailable', `etcd is unavailable: ${message}`);
}
