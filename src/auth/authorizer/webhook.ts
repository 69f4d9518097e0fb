/**
 * The webhook authorizer (staging/src/k8s.io/apiserver/plugin/pkg/authorizer/webhook/webhook.go,
 * with the generic webhook client of staging/src/k8s.io/apiserver/pkg/util/webhook and
 * client-go's REST client under it): each decision is a SubjectAccessReview POSTed to the server
 * a kubeconfig file names (`--authorization-webhook-config-file`), over https with its CA and
 * optional client certificate or token, or over plain http.
 * - The review is `authorization.k8s.io/v1beta1` unless `version: 'v1'`
 *   (`--authorization-webhook-version`, whose default is v1beta1); v1beta1 names the groups
 *   `group`, v1 `groups`. List and watch field selectors go along as `fieldSelector.requirements`
 *   (AuthorizeWithSelectors, on by default since 1.32).
 * - `status.denied` → Deny, `status.allowed` → Allow, neither → NoOpinion, with `status.reason`;
 *   both → Deny with an error.
 * - A failed call is NoOpinion with an empty reason and the error, in client-go's words
 *   (`an error on the server ("boom") has prevented the request from succeeding`, the message
 *   of a returned Status, `Post "https://...": dial tcp ...: connect: connection refused`);
 *   kube-apiserver then answers 500 unless another authorizer allows.
 * - Calls that fail with a 500, 504 or 429 (or a Status of those reasons), a Retry-After, or a
 *   reset connection are tried again: 5 attempts, 500 ms apart growing ×1.5, with 20 % jitter
 *   (`DefaultAuthWebhookRetryBackoff`); a 429/5xx with Retry-After is first retried by the REST
 *   client itself after that many seconds, up to 10 times. Waits run on `clock`; without one
 *   the next attempt follows at once.
 * - With a clock, answers are cached by spec in an 8192-entry LRU: allowed for 5 minutes, not
 *   allowed for 30 seconds (`--authorization-webhook-cache-authorized-ttl` / `-unauthorized-ttl`
 *   defaults); requests whose namespace, verb, group, version, resource, subresource, name and
 *   path add up to 10000 bytes or more are never cached.
 * - As a rule resolver it lists nothing and says the list is incomplete.
 */
import http from 'node:http';
import https from 'node:https';
import { posix } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Clock, TimerHandle } from '../../clock/index.js';
import { loadKubeconfig, type Connection } from '../../client/kubeconfig.js';
import type { UserInfo } from '../../registry/types.js';
import { goQuote } from '../../util/go-format.js';
import { decodeDocument, goJsonStringify, goTypes, goUnmarshal, groupVersionString, interpretKind, withDefaults, type GoType, type Gvk } from '../../util/go-json.js';
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesForResult } from './types.js';

/** The SubjectAccessReview versions a webhook may speak. */
export type SubjectAccessReviewVersion = 'v1' | 'v1beta1';

/**
 * `wait.Backoff` for the webhook's retries: the first wait, its growth, the random extra (a
 * fraction of each wait) and the number of attempts.
 * @example
 * const fast: RetryBackoff = { durationMs: 10, factor: 1, jitter: 0, steps: 2 };
 */
export interface RetryBackoff {
  durationMs: number;
  factor: number;
  jitter: number;
  steps: number;
}

/** kube-apiserver's `DefaultAuthWebhookRetryBackoff()`. */
export const DEFAULT_RETRY_BACKOFF: Readonly<RetryBackoff> = { durationMs: 500, factor: 1.5, jitter: 0.2, steps: 5 };

/**
 * Options: `clock` turns the cache on and times retries and the request timeout; TTLs in
 * milliseconds (0: that answer is not cached); `timeoutMs` bounds each call (30 s); `version`
 * of the SubjectAccessReview (v1beta1); `retryBackoff`; `random` for the jitter (Math.random).
 * @example
 * const opts: WebhookOptions = { clock: new RealClock(), authorizedTTL: 300_000, version: 'v1' };
 */
export interface WebhookOptions {
  clock?: Clock;
  authorizedTTL?: number;
  unauthorizedTTL?: number;
  timeoutMs?: number;
  version?: SubjectAccessReviewVersion;
  retryBackoff?: RetryBackoff;
  random?: () => number;
}

const GROUP = 'authorization.k8s.io';
const CACHE_SIZE = 8192;
const MAX_CACHED_ATTRIBUTE_BYTES = 10_000;
/** client-go's cap on how much of an unstructured error body goes into the message. */
const MAX_ERROR_BODY_BYTES = 2048;
/** client-go's `maxRetries` for responses carrying Retry-After. */
const MAX_RETRY_AFTER_RETRIES = 10;

/** The decision part of a review's status. */
interface SarStatus {
  allowed: boolean;
  denied: boolean;
  reason: string;
  evaluationError: string;
}

function sortedExtra(extra: Record<string, string[]> | undefined): Record<string, string[]> | undefined {
  if (!extra) return undefined;
  // Go writes map keys in byte order
  const keys = Object.keys(extra).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Object.fromEntries(keys.map((k) => [k, extra[k]!]));
}

/** The list/watch field selector as authorization.k8s.io requirements, in the order fields.ParseSelector sorts the terms. */
function fieldSelectorRequirements(a: Attributes): Array<{ key: string; operator: string; values: string[] }> {
  const terms = (a.fieldSelector ?? []).map((r) => ({ text: `${r.field}${r.operator}${r.value}`, req: { key: r.field, operator: r.operator === '!=' ? 'NotIn' : 'In', values: [r.value] } }));
  terms.sort((x, y) => Buffer.compare(Buffer.from(x.text), Buffer.from(y.text)));
  return terms.map((t) => t.req);
}

/** The v1 spec kube-apiserver builds (and keys its cache with), empty fields left out. */
function v1Spec(a: Attributes): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const pick = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ''));
  if (a.resourceRequest) {
    const ra: Record<string, unknown> = pick({ namespace: a.namespace, verb: a.verb, group: a.apiGroup, version: a.apiVersion, resource: a.resource, subresource: a.subresource, name: a.name });
    const requirements = fieldSelectorRequirements(a);
    if (requirements.length) ra.fieldSelector = { requirements };
    spec.resourceAttributes = ra;
  } else {
    spec.nonResourceAttributes = pick({ path: a.path, verb: a.verb });
  }
  if (a.user.username) spec.user = a.user.username;
  if (a.user.groups?.length) spec.groups = a.user.groups;
  const extra = sortedExtra(a.user.extra);
  if (extra && Object.keys(extra).length) spec.extra = extra;
  if (a.user.uid) spec.uid = a.user.uid;
  return spec;
}

/**
 * The SubjectAccessReview body kube-apiserver sends for `a`, keys in Go's order, empty fields
 * left out; v1beta1 (the default) calls the groups `group`.
 * @example
 * subjectAccessReviewFor(attrs, 'v1').spec; // { resourceAttributes: { namespace: 'a', verb: 'get', version: 'v1', resource: 'pods' }, user: 'alice', groups: [...] }
 */
export function subjectAccessReviewFor(a: Attributes, version: SubjectAccessReviewVersion = 'v1beta1'): Record<string, unknown> {
  const spec = v1Spec(a);
  const wire = version === 'v1' ? spec : Object.fromEntries(Object.entries(spec).map(([k, v]) => [k === 'groups' ? 'group' : k, v]));
  return { kind: 'SubjectAccessReview', apiVersion: `${GROUP}/${version}`, metadata: { creationTimestamp: null }, spec: wire, status: { allowed: false } };
}

/** The attributes a requester controls, by length, as `shouldCache` adds them up. */
function shouldCache(a: Attributes): boolean {
  const size = [a.namespace, a.verb, a.apiGroup, a.apiVersion, a.resource, a.subresource, a.name, a.path].reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  return size < MAX_CACHED_ATTRIBUTE_BYTES;
}

// --- the Go types a response is decoded into -------------------------------------------------

const { string, bool } = goTypes;

function sarType(version: SubjectAccessReviewVersion): GoType {
  const named = (name: string): GoType => ({ kind: 'string', name });
  const selector = (kind: 'Field' | 'Label') =>
    goTypes.struct(
      `${version}.${kind}SelectorAttributes`,
      { rawSelector: string, requirements: goTypes.slice(goTypes.struct(`v1.${kind}SelectorRequirement`, { key: string, operator: named(`v1.${kind}SelectorOperator`), values: goTypes.slice(string) })) },
      { pointer: true },
    );
  const meta = goTypes.struct('v1.ObjectMeta', {
    name: string,
    generateName: string,
    namespace: string,
    selfLink: string,
    uid: named('types.UID'),
    resourceVersion: string,
    generation: goTypes.int64,
    labels: goTypes.map(string),
    annotations: goTypes.map(string),
    finalizers: goTypes.slice(string),
    creationTimestamp: goTypes.any,
    deletionTimestamp: goTypes.any,
    deletionGracePeriodSeconds: goTypes.any,
    ownerReferences: goTypes.any,
    managedFields: goTypes.any,
  });
  const extraValue = goTypes.slice(string, `${version}.ExtraValue`);
  const spec = goTypes.struct(`${version}.SubjectAccessReviewSpec`, {
    resourceAttributes: goTypes.struct(
      `${version}.ResourceAttributes`,
      { namespace: string, verb: string, group: string, version: string, resource: string, subresource: string, name: string, fieldSelector: selector('Field'), labelSelector: selector('Label') },
      { pointer: true },
    ),
    nonResourceAttributes: goTypes.struct(`${version}.NonResourceAttributes`, { path: string, verb: string }, { pointer: true }),
    user: string,
    [version === 'v1' ? 'groups' : 'group']: goTypes.slice(string),
    extra: goTypes.map(extraValue, `map[string]${version}.ExtraValue`),
    uid: string,
  });
  const status = goTypes.struct(`${version}.SubjectAccessReviewStatus`, { allowed: bool, denied: bool, reason: string, evaluationError: string });
  return goTypes.struct(`${version}.SubjectAccessReview`, { apiVersion: string, kind: string, metadata: meta, spec, status });
}

const SAR_TYPES: Record<SubjectAccessReviewVersion, GoType> = { v1: sarType('v1'), v1beta1: sarType('v1beta1') };

const STATUS_TYPE = goTypes.struct('v1.Status', {
  apiVersion: string,
  kind: string,
  metadata: goTypes.any,
  status: string,
  message: string,
  reason: { kind: 'string', name: 'v1.StatusReason' },
  details: goTypes.struct(
    'v1.StatusDetails',
    {
      name: string,
      group: string,
      kind: string,
      uid: { kind: 'string', name: 'types.UID' },
      causes: goTypes.slice(goTypes.struct('v1.StatusCause', { reason: { kind: 'string', name: 'v1.CauseType' }, message: string, field: string })),
      retryAfterSeconds: goTypes.int32,
    },
    { pointer: true },
  ),
  code: goTypes.int32,
});

// --- errors, as client-go reports them --------------------------------------------------------

/**
 * A failed call: the message Go would print, plus what the retry policy looks at (the Status
 * reason and code of API errors, Retry-After, a reset connection).
 */
class WebhookCallError extends Error {
  override readonly name = 'WebhookCallError';
  constructor(
    message: string,
    readonly status?: { reason: string; code: number; details?: { retryAfterSeconds: number } },
    readonly connectionReset = false,
  ) {
    super(message);
  }
}

/** `apierrors.NewGenericServerResponse` for a POST with no resource: the message and reason by status code. */
function genericServerResponse(code: number, serverMessage: string, retryAfterSeconds: number): WebhookCallError {
  let reason = '';
  let message = `the server responded with the status code ${code} but did not return more information`;
  switch (code) {
    case 409:
      reason = 'AlreadyExists';
      message = 'the server reported a conflict';
      break;
    case 404:
      reason = 'NotFound';
      message = 'the server could not find the requested resource';
      break;
    case 400:
      reason = 'BadRequest';
      message = 'the server rejected our request for an unknown reason';
      break;
    case 401:
      reason = 'Unauthorized';
      message = 'the server has asked for the client to provide credentials';
      break;
    case 403:
      reason = 'Forbidden';
      message = serverMessage;
      break;
    case 406:
      reason = 'NotAcceptable';
      message = serverMessage === '' || serverMessage === 'unknown' ? 'the server was unable to respond with a content type that the client supports' : serverMessage;
      break;
    case 415:
      reason = 'UnsupportedMediaType';
      message = serverMessage;
      break;
    case 405:
      reason = 'MethodNotAllowed';
      message = 'the server does not allow this method on the requested resource';
      break;
    case 422:
      reason = 'Invalid';
      message = 'the server rejected our request due to an error in our request';
      break;
    case 503:
      reason = 'ServiceUnavailable';
      message = 'the server is currently unable to handle the request';
      break;
    case 504:
      reason = 'Timeout';
      message = 'the server was unable to return a response in the time allotted, but may still be processing the request';
      break;
    case 429:
      reason = 'TooManyRequests';
      message = 'the server has received too many requests and has asked us to try again later';
      break;
    default:
      if (code >= 500) {
        reason = 'InternalError';
        message = `an error on the server (${goQuote(serverMessage)}) has prevented the request from succeeding`;
      }
  }
  return new WebhookCallError(message, { reason, code, details: { retryAfterSeconds } });
}

/** The reasons apimachinery knows; an unknown one lets the status code decide. */
const KNOWN_REASONS = new Set(['Unauthorized', 'Forbidden', 'NotFound', 'AlreadyExists', 'Conflict', 'Gone', 'Invalid', 'ServerTimeout', 'StoreReadError', 'Timeout', 'TooManyRequests', 'BadRequest', 'MethodNotAllowed', 'NotAcceptable', 'RequestEntityTooLarge', 'UnsupportedMediaType', 'InternalError', 'Expired', 'ServiceUnavailable']);

/** `webhook.DefaultShouldRetry`. */
function shouldRetry(e: unknown): boolean {
  if (!(e instanceof WebhookCallError)) return false;
  if (e.connectionReset) return true;
  const s = e.status;
  if (!s) return false;
  const unknown = !KNOWN_REASONS.has(s.reason);
  if (s.reason === 'InternalError' || (unknown && s.code === 500)) return true;
  if (s.reason === 'Timeout' || (unknown && s.code === 504)) return true;
  if (s.reason === 'TooManyRequests' || s.code === 429) return true;
  // SuggestsClientDelay
  if (s.details && (s.reason === 'ServerTimeout' || s.details.retryAfterSeconds > 0)) return true;
  return false;
}

/** Go's `strconv.Atoi` of a Retry-After header, or undefined. */
function retryAfterSeconds(h: string | string[] | undefined): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `mime.ParseMediaType`'s media type, lower-cased, or undefined when it does not parse. */
function mediaType(contentType: string): string | undefined {
  const m = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*(;.*)?$/.exec(contentType);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** The body as a metav1.Status (its apiVersion defaulting to v1), or undefined when it is not one or does not decode. */
function decodedStatus(text: string): Record<string, unknown> | undefined {
  try {
    const doc = decodeDocument(text);
    const gvk = withDefaults(interpretKind(doc), { group: '', version: 'v1', kind: '' });
    if (gvk.kind !== 'Status' || !gvk.version) return undefined;
    return goUnmarshal(doc, STATUS_TYPE);
  } catch {
    return undefined;
  }
}

interface RawResponse {
  code: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** x509.HostnameError's text, from the peer certificate Node attaches to ERR_TLS_CERT_ALTNAME_INVALID. */
function hostnameError(host: string, cert: { subjectaltname?: string } | undefined): string {
  const sans = (cert?.subjectaltname ?? '').split(', ').filter(Boolean);
  const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice('IP Address:'.length));
  const dns = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice('DNS:'.length));
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  if (isIp && ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
  const valid = (isIp ? ips : dns).join(', ');
  if (!valid) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid}, not ${host}`;
}

/** A transport failure as Go's http.Client reports it (`*url.Error`: `Post "<url>": <why>`). */
function transportError(url: URL, shown: string, e: NodeJS.ErrnoException & { address?: string; port?: number; host?: string; cert?: { subjectaltname?: string } }, socket?: { localAddress?: string; localPort?: number; remoteAddress?: string; remotePort?: number }): WebhookCallError {
  const post = (why: string, reset = false) => new WebhookCallError(`Post ${goQuote(shown)}: ${why}`, undefined, reset);
  const hostPort = (h: string, p: number | string) => (h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`);
  switch (e.code) {
    case 'ECONNREFUSED':
      return post(`dial tcp ${hostPort(e.address ?? url.hostname, e.port ?? url.port)}: connect: connection refused`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return post(`dial tcp: lookup ${url.hostname.replace(/^\[|\]$/g, '')}: no such host`);
    case 'ECONNRESET':
      if (e.message === 'socket hang up') return post('EOF');
      if (socket?.localAddress && socket.remoteAddress) return post(`read tcp ${hostPort(socket.localAddress, socket.localPort ?? 0)}->${hostPort(socket.remoteAddress, socket.remotePort ?? 0)}: read: connection reset by peer`, true);
      return post('read: connection reset by peer', true);
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return post('tls: failed to verify certificate: x509: certificate signed by unknown authority');
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return post('tls: failed to verify certificate: x509: certificate has expired or is not yet valid');
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return post(`tls: failed to verify certificate: ${hostnameError(url.hostname.replace(/^\[|\]$/g, ''), e.cert)}`);
    default:
      return post(e.message);
  }
}

/**
 * The kubeconfig server as client-go's `DefaultServerURL` takes it (a bare `host:port` gets
 * http, or https when the kubeconfig has a CA, client certificate or insecure flag), and the
 * URL the generic webhook POSTs to: the server's path cleaned as `path.Join` does, no query.
 */
function requestUrl(conn: Connection): { url: URL; shown: string } {
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
  // path.Join("/", base.Path): cleaned, and without a trailing slash
  const cleaned = posix.normalize(`/${base.pathname}`);
  url.pathname = cleaned.length > 1 && cleaned.endsWith('/') ? cleaned.slice(0, -1) : cleaned;
  url.search = '';
  url.hash = '';
  return { url, shown: url.href };
}

/**
 * Asks a remote service.
 * @example
 * const authz = WebhookAuthorizer.fromKubeconfig('/etc/satoken/authz-webhook.yaml', { clock });
 */
export class WebhookAuthorizer implements Authorizer, RuleResolver {
  /** Least recently used first (a Map keeps insertion order; a hit is moved to the end). */
  private readonly cache = new Map<string, { status: SarStatus; expires: number }>();
  private readonly version: SubjectAccessReviewVersion;

  constructor(
    private readonly conn: Connection,
    private readonly opts: WebhookOptions = {},
  ) {
    const version = opts.version ?? 'v1beta1';
    if (version !== 'v1' && version !== 'v1beta1') throw new Error(`unsupported webhook authorizer version ${goQuote(String(version))}, supported versions are "v1", "v1beta1"`);
    this.version = version;
    requestUrl(conn);
  }

  /** Reads the server, CA and credentials from a kubeconfig (its current context). */
  static fromKubeconfig(path: string, opts: WebhookOptions = {}): WebhookAuthorizer {
    return new WebhookAuthorizer(loadKubeconfig(path), opts);
  }

  async authorize(a: Attributes): Promise<AuthorizationResult> {
    const key = goJsonStringify(v1Spec(a));
    let status = this.cached(key);
    if (!status) {
      try {
        status = await this.callWithRetries(goJsonStringify(subjectAccessReviewFor(a, this.version)));
      } catch (e) {
        return { decision: 'NoOpinion', reason: '', error: e instanceof Error ? e : new Error(String(e)) };
      }
      if (shouldCache(a)) this.remember(key, status);
    }
    const reason = status.reason;
    if (status.denied && status.allowed) return { decision: 'Deny', reason, error: new Error('webhook subject access review returned both allow and deny response') };
    if (status.denied) return { decision: 'Deny', reason };
    if (status.allowed) return { decision: 'Allow', reason };
    return { decision: 'NoOpinion', reason };
  }

  /** The webhook cannot list rules: nothing, incomplete, and why. */
  async rulesFor(_user: UserInfo, _namespace: string): Promise<RulesForResult> {
    return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'webhook authorizer does not support user rule resolution' };
  }

  private cached(key: string): SarStatus | undefined {
    const clock = this.opts.clock;
    const hit = this.cache.get(key);
    if (!clock || !hit) return undefined;
    this.cache.delete(key);
    // LRUExpireCache: an entry is good up to and including its expiry instant
    if (clock.now() > hit.expires) return undefined;
    this.cache.set(key, hit);
    return hit.status;
  }

  private remember(key: string, status: SarStatus): void {
    const clock = this.opts.clock;
    if (!clock) return;
    const ttl = status.allowed ? (this.opts.authorizedTTL ?? 300_000) : (this.opts.unauthorizedTTL ?? 30_000);
    if (ttl <= 0) return;
    this.cache.delete(key);
    this.cache.set(key, { status, expires: clock.now() + ttl });
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }

  private sleep(ms: number): Promise<void> {
    const clock = this.opts.clock;
    if (!clock || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => clock.setTimeout(resolve, ms));
  }

  /** `webhook.WithExponentialBackoff` over `wait.ExponentialBackoffWithContext`. */
  private async callWithRetries(body: string): Promise<SarStatus> {
    const b = { ...(this.opts.retryBackoff ?? DEFAULT_RETRY_BACKOFF) };
    if (b.steps <= 0) throw new Error('webhook call failed: timed out waiting for the condition');
    let last: unknown;
    for (;;) {
      try {
        return await this.call(body);
      } catch (e) {
        if (!shouldRetry(e)) throw e;
        last = e;
      }
      if (b.steps === 1) break;
      b.steps--;
      let wait = b.durationMs;
      b.durationMs *= b.factor;
      if (b.jitter > 0) wait += (this.opts.random ?? Math.random)() * b.jitter * wait;
      await this.sleep(wait);
    }
    throw last;
  }

  /** One webhook call: the REST client's POST, repeated while the server asks to retry after a delay. */
  private async call(body: string): Promise<SarStatus> {
    const { url, shown } = requestUrl(this.conn);
    for (let retries = 0; ; retries++) {
      const res = await this.post(url, shown, body);
      const wait = res.code === 429 || res.code >= 500 ? retryAfterSeconds(res.headers['retry-after']) : undefined;
      if (wait !== undefined && retries < MAX_RETRY_AFTER_RETRIES) {
        await this.sleep(wait * 1000);
        continue;
      }
      return this.interpret(res);
    }
  }

  /** client-go's `transformResponse` and `Result.Into(&SubjectAccessReview{})`. */
  private interpret(res: RawResponse): SarStatus {
    const header = res.headers['content-type'];
    const contentType = header || 'application/json';
    const text = res.body.toString('utf8');
    if (res.code < 200 || res.code > 206) {
      const isText = !header || (mediaType(header)?.startsWith('text/') ?? false);
      const message = isText ? res.body.subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8').trim() : 'unknown';
      const generic = genericServerResponse(res.code, message, retryAfterSeconds(res.headers['retry-after']) ?? 0);
      return this.failWithStatus(text, generic);
    }
    if (res.body.length === 0) throw new WebhookCallError(`0-length response with status code: ${res.code} and content type: ${contentType}`);
    const doc = decodeDocument(text);
    const expected: Gvk = { group: GROUP, version: this.version, kind: 'SubjectAccessReview' };
    const gvk = withDefaults(interpretKind(doc), expected);
    if (!gvk.kind) throw new WebhookCallError(`Object 'Kind' is missing in '${text}'`);
    if (!gvk.version) throw new WebhookCallError(`Object 'apiVersion' is missing in '${text}'`);
    const target = `${this.version}.SubjectAccessReview`;
    if (gvk.kind === 'Status') {
      goUnmarshal(doc, STATUS_TYPE);
      throw new WebhookCallError(`converting (v1.Status) to (${target}): unknown conversion`);
    }
    if (gvk.group === GROUP && gvk.kind === 'SubjectAccessReview' && (gvk.version === 'v1' || gvk.version === 'v1beta1')) {
      const review = goUnmarshal(doc, SAR_TYPES[gvk.version]);
      if (gvk.version !== this.version) throw new WebhookCallError(`converting (${gvk.version}.SubjectAccessReview) to (${target}): unknown conversion`);
      const s = (review?.status ?? {}) as Record<string, unknown>;
      return { allowed: s.allowed === true, denied: s.denied === true, reason: typeof s.reason === 'string' ? s.reason : '', evaluationError: typeof s.evaluationError === 'string' ? s.evaluationError : '' };
    }
    throw new WebhookCallError(`no kind ${goQuote(gvk.kind)} is registered for version ${goQuote(groupVersionString(gvk))}`);
  }

  /** `Result.Error()`: a failure Status in the body, if there is one, replaces the generic error. */
  private failWithStatus(text: string, generic: WebhookCallError): never {
    const status = text.length > 0 ? decodedStatus(text) : undefined;
    if (status?.status !== 'Failure') throw generic;
    const details = status.details as { retryAfterSeconds?: number } | undefined;
    throw new WebhookCallError(typeof status.message === 'string' ? status.message : '', {
      reason: typeof status.reason === 'string' ? status.reason : '',
      code: typeof status.code === 'number' ? status.code : 0,
      ...(details ? { details: { retryAfterSeconds: details.retryAfterSeconds ?? 0 } } : {}),
    });
  }

  private post(url: URL, shown: string, body: string): Promise<RawResponse> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Accept-Encoding': 'gzip', 'Content-Length': String(Buffer.byteLength(body)) };
    if (this.conn.token) headers.Authorization = `Bearer ${this.conn.token}`;
    const options: https.RequestOptions = { method: 'POST', headers };
    if (url.protocol === 'https:') {
      if (this.conn.caData) options.ca = this.conn.caData;
      if (this.conn.clientCertData) options.cert = this.conn.clientCertData;
      if (this.conn.clientKeyData) options.key = this.conn.clientKeyData;
      if (this.conn.insecureSkipTLSVerify) options.rejectUnauthorized = false;
    } else if (url.protocol !== 'http:') {
      return Promise.reject(new WebhookCallError(`Post ${goQuote(shown)}: unsupported protocol scheme ${goQuote(url.protocol.slice(0, -1))}`));
    }
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const clock = this.opts.clock;
    return new Promise((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const done = () => clock?.clearTimeout(timer);
      const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        // client-go's transformResponse when reading the body fails
        const unreadable = (why: string) => new WebhookCallError(`unexpected error when reading response body. Please retry. Original error: ${why}`);
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
      req.on('error', (e: NodeJS.ErrnoException) => {
        done();
        reject(transportError(url, shown, e, req.socket ?? undefined));
      });
      req.end(body);
    });
  }
}
