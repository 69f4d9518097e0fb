import { ExponentialBackoff, type IDefaultPolicyContext, type IPolicy, handleWhen, noop, retry } from 'cockatiel';
import { Etcd3, isRecoverableError } from 'etcd3';
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
/** How long a member whose call just failed is passed over while another one is not (several endpoints). */
const MEMBER_COOLDOWN_MS = 2_000;

/**
 * How to reach etcd (kube-apiserver's `--etcd-servers`, comma-split).
 * @example
 * const opts: EtcdConnectionOptions = { endpoints: ['http://127.0.0.1:2379'], requestTimeoutMs: 2000 };
 */
export interface EtcdConnectionOptions {
  /** `http://host:port` or `https://host:port` URLs of the etcd members */
  endpoints: string[];
  /**
   * TLS to etcd (kube-apiserver's `--etcd-cafile`, `--etcd-certfile`, `--etcd-keyfile`), PEM:
   * the CA bundle that signed etcd's serving certificate (absent: the system's trusted CAs) and a
   * client certificate with its key (both or neither). Every endpoint must then be https.
   */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** bound on each etcd call (default 5 s); a call that exceeds it fails with Unavailable */
  requestTimeoutMs?: number;
  /** ceiling of the backoff between watch reconnection attempts (default 2 s) */
  reconnectMaxDelayMs?: number;
}

/**
 * An etcd3 client set up for the store:
 * - no blind retries and no circuit breaker: a failed call surfaces at once as Unavailable (a
 *   retried transaction could report AlreadyExists for its own first attempt, and a breaker
 *   would keep failing calls for seconds after etcd is back);
 * - with several endpoints (etcd3 sends each call to a member picked at random, and a stream
 *   to one member), two exceptions, so that a dead member does not fail a share of all calls:
 *   a member whose call failed with a transport error is passed over for 2 s while some other
 *   member has not failed (all failing: every member is tried as usual), and a call that never
 *   reached a member (grpc-js: `No connection established`, or passed over) is sent to the next
 *   one, as etcd's Go client retries writes only when no connection was available;
 * - every unary call carries a deadline of `requestTimeoutMs` (a network timeout, hence the
 *   real clock);
 * - the watch reconnects with exponential backoff capped at `reconnectMaxDelayMs`;
 * - gRPC keepalive pings every 10 s, so a peer that vanished without closing the connection is
 *   noticed within ~15 s (etcd's default `--grpc-keepalive-min-time` is 5 s);
 * - no cap on received message size, so a list of every object fits in one response.
 * Throws RangeError for settings that cannot work: no endpoint, http and https endpoints mixed,
 * TLS settings with http endpoints, a client certificate without its key or the reverse.
 * @example
 * const client = createEtcdClient({ endpoints: ['http://127.0.0.1:2379'] });
 * await client.put('/registry/x').value('{}');
 * client.close();
 */
export function createEtcdClient(opts: EtcdConnectionOptions): Etcd3 {
  const { endpoints, tls } = opts;
  if (endpoints.length === 0) throw new RangeError('at least one etcd endpoint is required');
  const secure = endpoints.filter((e) => e.startsWith('https://'));
  if (secure.length > 0 && secure.length < endpoints.length) throw new RangeError('the etcd endpoints must be all http or all https');
  if (tls && secure.length === 0) throw new RangeError(`TLS settings need https etcd endpoints, not ${endpoints[0]}`);
  if (tls && !tls.cert !== !tls.key) throw new RangeError(tls.cert ? 'a TLS client certificate for etcd needs its key' : 'a TLS client key for etcd needs its certificate');
  const timeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const several = endpoints.length > 1;
  return new Etcd3({
    hosts: endpoints,
    // without a CA grpc-js trusts the system's CAs (as it does for https endpoints without tls)
    ...(tls ? { credentials: { rootCertificate: tls.ca as Buffer, ...(tls.key ? { privateKey: tls.key } : {}), ...(tls.cert ? { certChain: tls.cert } : {}) } } : {}),
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    faultHandling: {
      host: several ? passOverFailedMembers(endpoints) : () => noop,
      global: several ? retry(handleWhen(neverSent), { maxAttempts: endpoints.length - 1 }) : noop,
      watchBackoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: opts.reconnectMaxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS }).next(),
    },
    grpcOptions: {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.max_receive_message_length': -1,
    },
  });
}

/** A member skipped by {@link passOverFailedMembers}: the call was not sent to it. */
class PassedOver extends Error {
  constructor(host: string) {
    super(`${host} failed less than ${MEMBER_COOLDOWN_MS} ms ago and was passed over`);
  }
}

/** Whether a call certainly never reached etcd, so that sending it to another member is safe. */
function neverSent(e: Error): boolean {
  return e instanceof PassedOver || e.message.includes('No connection established');
}

/**
 * etcd3's per-member policy: etcd3 tries the members in a shuffled order and moves on to the
 * next one when a member's policy throws before running the call; this one does so for a member
 * whose last call (or stream) failed with a transport error less than MEMBER_COOLDOWN_MS ago,
 * unless every member has: then all are tried as if none had failed. A success clears the mark.
 */
function passOverFailedMembers(endpoints: readonly string[]): (host: string) => IPolicy<IDefaultPolicyContext> {
  const failedAt = new Map<string, number>();
  const failing = (host: string, now: number) => now - (failedAt.get(host) ?? Number.NEGATIVE_INFINITY) < MEMBER_COOLDOWN_MS;
  return (host) => ({
    _altReturn: undefined as never,
    onSuccess: noop.onSuccess,
    onFailure: noop.onFailure,
    async execute<T>(fn: (context: IDefaultPolicyContext) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T> {
      const now = performance.now();
      if (failing(host, now) && endpoints.some((h) => !failing(h, now))) throw new PassedOver(host);
      try {
        const result = await noop.execute(fn, signal);
        failedAt.delete(host);
        return result;
      } catch (e) {
        if (e instanceof Error && isRecoverableError(e)) failedAt.set(host, performance.now());
        throw e;
      }
    },
  });
}

/**
 * An etcd or transport failure as the store reports it: StoreError `Unavailable`, which the
 * registry renders as 503, with gRPC's message on one line (`etcd is unavailable: 14
 * UNAVAILABLE: ...`) and TLS failures said plainly. StoreErrors pass through unchanged.
 * @example
 * await client.get('k').catch((e) => { throw unavailable(e); });
 */
export function unavailable(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  return new StoreError('Unavailable', `etcd is unavailable: ${explain(error instanceof Error ? error.message : String(error))}`);
}

/** TLS alerts etcd sends when it does not accept the client's certificate (or its absence). */
const REFUSED = /alert (bad certificate|certificate required|unknown ca|certificate unknown|unsupported certificate|handshake failure)/i;
/** Node's reasons for not trusting a server certificate: no trusted CA signed it ... */
const UNSIGNED = /unable to verify the first certificate|unable to get (local )?issuer certificate|self[- ]signed certificate( in certificate chain)?/i;
/** ... or it does not fit (the rest of the message is the detail) */
const UNFIT = /(certificate has expired|certificate is not yet valid|Hostname\/IP does not match certificate's altnames).*$/i;

/** gRPC's message on one line, without its timestamps and empty resolution note; TLS failures explained. */
function explain(message: string): string {
  const text = message
    .replace(/\s*Resolution note:\s*$/, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const refused = REFUSED.exec(text);
  if (refused) return `etcd refused the TLS handshake (alert "${refused[1]!.toLowerCase()}"): it requires a client certificate signed by a CA it trusts`;
  const unsigned = UNSIGNED.exec(text);
  if (unsigned) return `etcd's serving certificate is not trusted: ${unsigned[0]} (not signed by a trusted CA)`;
  const unfit = UNFIT.exec(text);
  if (unfit) return `etcd's serving certificate is not trusted: ${unfit[0].replace(/\.$/, '')}`;
  return text;
}
