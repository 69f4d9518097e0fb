/**
 * The webhook authorizer (staging/src/k8s.io/apiserver/plugin/pkg/authorizer/webhook/webhook.go):
 * each decision is a SubjectAccessReview (authorization.k8s.io/v1) POSTed to the server a
 * kubeconfig file names (`--authorization-webhook-config-file`), over https with its CA and
 * optional client certificate or token, or over plain http.
 * - `status.denied` → Deny, `status.allowed` → Allow, neither → NoOpinion, with `status.reason`;
 *   both → Deny with an error.
 * - A failed call is NoOpinion with an empty reason and the error (kube-apiserver then answers
 *   500 unless another authorizer allows).
 * - With a clock, answers are cached by spec: allowed for 5 minutes, not allowed for 30 seconds
 *   (`--authorization-webhook-cache-authorized-ttl` / `-unauthorized-ttl` defaults).
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../../clock/index.js';
import { loadKubeconfig, type Connection } from '../../client/kubeconfig.js';
import type { Attributes, AuthorizationResult, Authorizer } from './types.js';

interface SarStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
}

/**
 * Options: `clock` turns the cache on; TTLs in milliseconds; `timeoutMs` bounds each call (30 s).
 * @example
 * const opts: WebhookOptions = { clock: new RealClock(), authorizedTTL: 300_000 };
 */
export interface WebhookOptions {
  clock?: Clock;
  authorizedTTL?: number;
  unauthorizedTTL?: number;
  timeoutMs?: number;
}

/**
 * The SubjectAccessReview body kube-apiserver sends for `a`, keys in Go's order, empty fields
 * left out.
 * @example
 * subjectAccessReviewFor(attrs).spec; // { resourceAttributes: { namespace: 'a', verb: 'get', version: 'v1', resource: 'pods' }, user: 'alice', groups: [...] }
 */
export function subjectAccessReviewFor(a: Attributes): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const pick = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ''));
  if (a.resourceRequest) {
    spec.resourceAttributes = pick({ namespace: a.namespace, verb: a.verb, group: a.apiGroup, version: a.apiVersion, resource: a.resource, subresource: a.subresource, name: a.name });
  } else {
    spec.nonResourceAttributes = pick({ path: a.path, verb: a.verb });
  }
  if (a.user.username) spec.user = a.user.username;
  if (a.user.groups?.length) spec.groups = a.user.groups;
  if (a.user.extra && Object.keys(a.user.extra).length) spec.extra = a.user.extra;
  if (a.user.uid) spec.uid = a.user.uid;
  return { kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: { allowed: false } };
}

/**
 * Asks a remote service.
 * @example
 * const authz = WebhookAuthorizer.fromKubeconfig('/etc/satoken/authz-webhook.yaml', { clock });
 */
export class WebhookAuthorizer implements Authorizer {
  private readonly cache = new Map<string, { status: SarStatus; expires: number }>();

  constructor(
    private readonly conn: Connection,
    private readonly opts: WebhookOptions = {},
  ) {}

  /** Reads the server, CA and credentials from a kubeconfig (its current context). */
  static fromKubeconfig(path: string, opts: WebhookOptions = {}): WebhookAuthorizer {
    return new WebhookAuthorizer(loadKubeconfig(path), opts);
  }

  async authorize(a: Attributes): Promise<AuthorizationResult> {
    const review = subjectAccessReviewFor(a);
    const key = JSON.stringify(review.spec);
    let status = this.cached(key);
    if (!status) {
      try {
        status = await this.post(review);
      } catch (e) {
        return { decision: 'NoOpinion', reason: '', error: e instanceof Error ? e : new Error(String(e)) };
      }
      this.remember(key, status);
    }
    const reason = status.reason ?? '';
    if (status.denied && status.allowed) return { decision: 'Deny', reason, error: new Error('webhook subject access review returned both allow and deny response') };
    if (status.denied) return { decision: 'Deny', reason };
    if (status.allowed) return { decision: 'Allow', reason };
    return { decision: 'NoOpinion', reason };
  }

  private cached(key: string): SarStatus | undefined {
    const clock = this.opts.clock;
    const hit = this.cache.get(key);
    if (!clock || !hit) return undefined;
    if (clock.now() >= hit.expires) {
      this.cache.delete(key);
      return undefined;
    }
    return hit.status;
  }

  private remember(key: string, status: SarStatus): void {
    const clock = this.opts.clock;
    if (!clock) return;
    const ttl = status.allowed ? (this.opts.authorizedTTL ?? 300_000) : (this.opts.unauthorizedTTL ?? 30_000);
    if (ttl <= 0) return;
    if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { status, expires: clock.now() + ttl });
  }

  private post(review: Record<string, unknown>): Promise<SarStatus> {
    const url = new URL(this.conn.server);
    const body = JSON.stringify(review);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
    if (this.conn.token) headers.Authorization = `Bearer ${this.conn.token}`;
    const options: https.RequestOptions = { method: 'POST', headers };
    if (url.protocol === 'https:') {
      if (this.conn.caData) options.ca = this.conn.caData;
      if (this.conn.clientCertData) options.cert = this.conn.clientCertData;
      if (this.conn.clientKeyData) options.key = this.conn.clientKeyData;
      if (this.conn.insecureSkipTLSVerify) options.rejectUnauthorized = false;
    } else if (url.protocol !== 'http:') {
      return Promise.reject(new Error(`unsupported scheme "${url.protocol.replace(':', '')}" in webhook server URL ${this.conn.server}`));
    }
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve(parseResponse(res.statusCode ?? 0, text));
          } catch (e) {
            reject(e);
          }
        });
      });
      req.setTimeout(this.opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`Post "${this.conn.server}": context deadline exceeded`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

function parseResponse(code: number, text: string): SarStatus {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (code < 200 || code > 299) throw new Error(`an error on the server ("${text.trim()}") has prevented the request from succeeding`);
    throw new Error(`the webhook's response is not JSON: ${text.slice(0, 100)}`);
  }
  const o = (parsed ?? {}) as { kind?: string; message?: string; status?: unknown };
  if (code < 200 || code > 299) throw new Error(o.kind === 'Status' && o.message ? o.message : `the server responded with the status code ${code} but did not return more information`);
  const s = (typeof o.status === 'object' && o.status !== null ? o.status : {}) as Record<string, unknown>;
  const out: SarStatus = { allowed: s.allowed === true, denied: s.denied === true };
  if (typeof s.reason === 'string') out.reason = s.reason;
  return out;
}
