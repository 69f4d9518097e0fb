import type pino from 'pino';
import type { AuditOptions } from './audit/audit-options.js';
import { auditedIssue, componentUserAgent, LOOPBACK_USER } from './audit/in-process.js';
import type { RecordedRequests } from './audit/recorder.js';
import { type TokenLineage, tokenLineage } from './audit/token-lineage.js';
import { type Clock, ManualClock, baseClock } from './clock/index.js';
import { SA_NAME_ANNOTATION } from './controllers/legacy-token-controller.js';
import { type AuthorizationOptions, ControlPlane, DEFAULT_ISSUER, makeClock } from './control-plane.js';
import { objectsOf, resourceByName, resourceOf } from './emulator-objects.js';
import type { ListenOptions, ListeningEmulator } from './emulator-server.js';
import type { KeyOptions } from './emulator-keys.js';
import { errors, isStatusError, SatokenTypeError } from './errors/index.js';
import type { InvalidationEvent, TrackedKind } from './registry/binding-index.js';
import type { IssuedToken } from './registry/token-request.js';
import type { KubeObject, Secret, TokenRequest, TokenReview, TokenReviewStatus, UserInfo } from './registry/types.js';
import { Kubelet, type KubeletAgent } from './kubelet/kubelet.js';
import { registryKubeletApi } from './kubelet/registry-api.js';
import type { KeyValueStore } from './store/types.js';
import type { StaleTokenObserver } from './auth/authenticators/bound-validator.js';
import type { SigningMode } from './tokens/signer.js';
import type { ReloadCheckOptions } from './reload-check/options.js';
import type { ReloadCheckResult } from './reload-check/result.js';
import { skewed } from './faults/clock-skew.js';
import { emulatorFaults, type EmulatorFaults } from './faults/faults-api.js';
import { parseRevocationMode, type RevocationMode } from './faults/revocation.js';
import type { WorkloadIdentitySettings } from './identity/workload-identity.js';

export { DEFAULT_ISSUER };

export interface EmulatorOptions {
  /** `'manual'` (default for tests: time moves only with `clock.advance`), `'real'`, or a Clock */
  clock?: 'manual' | 'real' | Clock;
  /** start of the manual clock (default: now) */
  startTime?: number | string | Date;
  /** `--service-account-issuer`; several: the first signs, all verify */
  issuer?: string | string[];
  /** `--api-audiences` (default: the issuers) */
  apiAudiences?: string[];
  keys?: KeyOptions;
  /** `--service-account-max-token-expiration` in seconds (0: none) */
  maxTokenExpirationSeconds?: number;
  /** `--service-account-extend-token-expiration` (default true) */
  extendTokenExpiration?: boolean;
  /** where objects live (default: a new memory store) */
  store?: KeyValueStore;
  /** cached successful reviews (default 10,000; 0 disables) */
  reviewCacheSize?: number;
  /**
   * issued tokens the binding registry lists (`tokensFor`, invalidation events) at most (default
   * 1,000,000, ~550 MB); past it the soonest-expiring are no longer listed, but still rejected
   * when their objects go
   */
  maxIndexedTokens?: number;
  /** static bearer tokens (`--token-auth-file` contents), token → user */
  staticTokens?: Map<string, UserInfo>;
  /**
   * the default-service-account, root-CA, legacy-token, tracking and clean-up controllers:
   * `true` (default) runs them, `false` has none, `'manual'` builds them for
   * {@link Emulator.startControllers} (replicas start them when elected leader)
   */
  controllers?: boolean | 'manual';
  logger?: pino.Logger;
  observer?: StaleTokenObserver & { legacy?(sub: string): void };
  /**
   * where tokens are signed: `'inline'` (default; the fewest CPU seconds per token) or `'pool'`
   * (libuv's thread pool: one process signs on every core, ~15 % more CPU per token)
   */
  signing?: SigningMode;
  /** `--legacy-service-account-token-clean-up-period` in days (default 365; must be > 0) */
  legacyTokenCleanUpPeriodDays?: number;
  /**
   * the workload controllers and the scheduler (Deployment, ReplicaSet, garbage collector,
   * node lifecycle, taint eviction, default-scheduler) on the emulator's clock: off by default,
   * `true` with kube-controller-manager's periods, or the node monitor periods in ms
   */
  workloads?: boolean | { nodeMonitorGracePeriodMs?: number; nodeMonitorPeriodMs?: number; nodeStartupGracePeriodMs?: number };
  /**
   * `--authorization-mode` and its settings (default Node,RBAC with the bootstrap policy): used
   * by the API server ({@link Emulator.listen}) and by RBAC escalation checks on writes that
   * carry a user
   */
  authorization?: AuthorizationOptions;
  /**
   * cloud workload identity, as `serve --workload-identity=aws,azure`: the EKS and Azure pod
   * webhooks (admission), and STS and Entra endpoints on {@link Emulator.listen}'s server, which
   * exchange tokens against the AWSRole and AzureFederatedCredential objects
   */
  workloadIdentity?: WorkloadIdentitySettings;
  /**
   * What is recorded: by default the request recorder keeps the last 10,000 requests (HTTP
   * requests to {@link Emulator.listen}, TokenRequests made through the library, the kubelets'
   * and controllers' requests) for {@link Emulator.requests}; `policy` (an audit.k8s.io/v1
   * Policy) and `log` add kube-apiserver's audit log; `recorder: false` records nothing.
   */
  audit?: AuditOptions;
  /**
   * When tokens stop working after their objects go: `'immediate'` (default: before the delete
   * call returns, on every replica) or `'kubernetes'` (kube-apiserver's timing: graceful pod
   * deletion, 60 s past the deletion timestamp, a 10 s success cache per replica); see the
   * README's "Revocation modes"
   */
  revocation?: RevocationMode;
  /**
   * This emulator's clock is off by this much (milliseconds, or a Go duration such as `'-30s'`),
   * for issuing and validating alike, as a replica on a drifted machine (kubernetes#124022);
   * `clock.advance` still moves the underlying clock
   */
  clockSkew?: number | string;
}

/** The emulator's counters (kube-apiserver's service-account token metrics and request counts). */
export interface EmulatorMetrics {
  /** every family in the Prometheus text format, the body of `GET /metrics` */
  render(): string;
}

export interface EmulatorClock {
  now(): number;
  /** moves a manual clock forward, firing timers (refreshers, controllers) in order */
  advance(ms: number): Promise<void>;
}

/** A spec for {@link Emulator.requestToken}: TokenRequest's spec, every field optional. */
export interface TokenSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind: string; name: string; uid?: string; apiVersion?: string };
}

/**
 * An in-process Kubernetes token control plane for test suites: objects, TokenRequest,
 * TokenReview, the binding registry, legacy tokens, all on an injectable clock. Two emulators in
 * one process share nothing.
 * @example
 * const emu = await createEmulator({ clock: 'manual' });
 * await emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'build-robot', namespace: 'default' } });
 * const tr = await emu.requestToken('default', 'build-robot', { audiences: ['vault'] });
 * (await emu.reviewToken(tr.status.token, ['vault'])).authenticated; // true
 * await emu.clock.advance(2 * 3600_000);
 * (await emu.reviewToken(tr.status.token, ['vault'])).error; // '[invalid bearer token, service account token has expired]'
 */
/** The control plane behind each emulator; internal (src/index.ts does not export it). */
const planes = new WeakMap<Emulator, ControlPlane>();

/**
 * The control plane of an emulator, for satoken's own server assembly and tests (not part of
 * the library's surface).
 */
export function controlPlaneOf(emu: Emulator): ControlPlane {
  const cp = planes.get(emu);
  if (!cp) throw new TypeError('not an emulator');
  return cp;
}

export class Emulator {
  readonly issuers: readonly string[];
  readonly apiAudiences: readonly string[];
  readonly clock: EmulatorClock;
  /** token and request counters, fed by the authenticators; `metrics.render()` is the `/metrics` body */
  readonly metrics: EmulatorMetrics;
  /**
   * TokenFaults: make reviews, TokenRequests or the JWKS fail, lag or expire on demand.
   * @example
   * const f = await emu.faults.inject({ match: { serviceAccount: 'build-robot' }, target: 'review', action: 'reject', times: 2 });
   * (await emu.reviewToken(token)).error; // '[invalid bearer token, service account token has been invalidated]'
   * await f.remove();
   */
  readonly faults: EmulatorFaults;
  private readonly kubelets = new Set<Kubelet>();
  /** the token service, kept at hand for the library's hottest call (a cached review) */
  readonly #tokens: ControlPlane['tokens'];

  private constructor(cp: ControlPlane) {
    planes.set(this, cp);
    this.#tokens = cp.tokens;
    this.issuers = cp.issuers;
    this.apiAudiences = cp.apiAudiences;
    this.metrics = cp.metrics;
    this.faults = emulatorFaults(cp);
    const clock = cp.clock;
    const base = baseClock(clock);
    this.clock = {
      now: () => clock.now(),
      advance: async (ms) => {
        if (!(base instanceof ManualClock)) throw new SatokenTypeError('ERR_CLOCK_NOT_MANUAL', 'advance() needs the manual clock: createEmulator({ clock: "manual" })');
        await base.advance(ms);
        await this.idle();
      },
    };
  }

  /** @internal use {@link createEmulator} */
  static async create(opts: EmulatorOptions = {}): Promise<Emulator> {
    const issuers = opts.issuer === undefined ? [DEFAULT_ISSUER] : Array.isArray(opts.issuer) ? opts.issuer : [opts.issuer];
    let revocation: RevocationMode;
    try {
      revocation = parseRevocationMode(opts.revocation);
    } catch (e) {
      throw new SatokenTypeError('ERR_INVALID_OPTION', (e as Error).message);
    }
    const cp = await ControlPlane.create({
      clock: skewed(makeClock(opts), opts.clockSkew),
      revocation,
      issuers,
      ...(opts.apiAudiences ? { apiAudiences: opts.apiAudiences } : {}),
      ...(opts.keys ? { keys: opts.keys } : {}),
      ...(opts.maxTokenExpirationSeconds !== undefined ? { maxTokenExpirationSeconds: opts.maxTokenExpirationSeconds } : {}),
      ...(opts.extendTokenExpiration !== undefined ? { extendTokenExpiration: opts.extendTokenExpiration } : {}),
      ...(opts.store ? { store: opts.store } : {}),
      ...(opts.reviewCacheSize !== undefined ? { reviewCacheSize: opts.reviewCacheSize } : {}),
      ...(opts.maxIndexedTokens !== undefined ? { maxIndexedTokens: opts.maxIndexedTokens } : {}),
      ...(opts.staticTokens ? { staticTokens: opts.staticTokens } : {}),
      ...(opts.controllers !== undefined ? { controllers: opts.controllers } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
      ...(opts.observer ? { observer: opts.observer } : {}),
      ...(opts.signing ? { signing: opts.signing } : {}),
      ...(opts.legacyTokenCleanUpPeriodDays !== undefined ? { legacyTokenCleanUpPeriodDays: opts.legacyTokenCleanUpPeriodDays } : {}),
      ...(opts.workloads ? { workloads: opts.workloads } : {}),
      ...(opts.authorization ? { authorization: opts.authorization } : {}),
      ...(opts.workloadIdentity ? { workloadIdentity: opts.workloadIdentity } : {}),
      ...(opts.audit ? { audit: opts.audit } : {}),
    });
    return new Emulator(cp);
  }

  get issuer(): string {
    return this.issuers[0]!;
  }

  /** Creates each object, or replaces it if it exists (kubectl apply, roughly). Accepts YAML. */
  async apply(input: unknown): Promise<KubeObject[]> {
    const objects = controlPlaneOf(this).objects;
    const out: KubeObject[] = [];
    for (const o of objectsOf(input)) {
      const info = resourceOf(o);
      const ns = info.namespaced ? o.metadata?.namespace || 'default' : '';
      const existing = objects.peek(info, ns || undefined, o.metadata?.name ?? '');
      if (existing) {
        const next = { ...structuredClone(o), metadata: { ...o.metadata, resourceVersion: existing.metadata.resourceVersion } };
        out.push(await objects.update(info, ns, existing.metadata.name!, next));
      } else {
        out.push(await objects.create(info, ns, o));
      }
    }
    await this.idle();
    return out.map((o) => structuredClone(o));
  }

  /** A copy of the object, or undefined. `kind` may be a kind, resource or short name. */
  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    const info = resourceByName(kind);
    const o = controlPlaneOf(this).objects.peek(info, info.namespaced ? namespace || 'default' : undefined, name);
    return o ? (structuredClone(o) as T) : undefined;
  }

  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    const info = resourceByName(kind);
    return controlPlaneOf(this).objects.list(info, info.namespaced ? namespace : undefined).items.map((o) => structuredClone(o) as T);
  }

  /**
   * Deletes an object. Tokens bound to it are dead before this resolves, unless the emulator
   * runs with `revocation: 'kubernetes'`: then a pod on a node gets a `deletionTimestamp` (now
   * plus `gracePeriodSeconds`, else its `terminationGracePeriodSeconds`, else 30 s) and goes when
   * its node's kubelet confirms (a kubelet started with {@link startKubelet} does so at once), and
   * its tokens work until 60 s past that timestamp while it exists, as in Kubernetes.
   */
  async delete(kind: string, namespace: string | undefined, name: string, opts: { gracePeriodSeconds?: number } = {}): Promise<KubeObject> {
    const info = resourceByName(kind);
    if (opts.gracePeriodSeconds !== undefined && !Number.isInteger(opts.gracePeriodSeconds)) throw new SatokenTypeError('ERR_INVALID_OPTION', `gracePeriodSeconds must be an integer, got ${String(opts.gracePeriodSeconds)}`);
    const o = await controlPlaneOf(this).objects.delete(info, info.namespaced ? namespace || 'default' : '', name, opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {});
    await this.idle();
    return structuredClone(o);
  }

  /** TokenRequest, exactly as `POST .../serviceaccounts/<name>/token` answers it. */
  async requestToken(namespace: string, serviceAccount: string, spec: TokenSpec = {}, user?: UserInfo): Promise<TokenRequest & { warnings: string[] }> {
    const body = {
      spec: {
        audiences: spec.audiences ?? null,
        expirationSeconds: spec.expirationSeconds ?? null,
        boundObjectRef: spec.boundObjectRef ? { apiVersion: 'v1', ...spec.boundObjectRef } : null,
      },
    };
    return this.tokenRequest(namespace, serviceAccount, body, user);
  }

  /**
   * The raw TokenRequest call: the body is what a client would POST. It is recorded as a
   * TokenRequest by `user` (default: kube-apiserver's loopback user, `system:apiserver`).
   */
  async tokenRequest(namespace: string, serviceAccount: string, body: unknown, user?: UserInfo): Promise<TokenRequest & { warnings: string[] }> {
    const cp = controlPlaneOf(this);
    const issue = auditedIssue({ issue: (ns, name, b, _u, report) => cp.tokens.issue(ns, name, b, user, report) }, cp.audit.auditor, user ?? LOOPBACK_USER, componentUserAgent('satoken-library'));
    const r = await issue(namespace, serviceAccount, body);
    return Object.assign(r.tokenRequest, { warnings: r.warnings });
  }

  /**
   * The requests recorded so far (a bounded ring: see {@link EmulatorOptions.audit}), as
   * audit.k8s.io/v1 Events, one per request, tokens redacted: `list(filter)`, `first`, `last`,
   * `count`, `clear()`.
   * @example
   * emu.requests.list({ serviceAccount: 'default/app', verb: 'get', resource: 'pods', code: 200 });
   * emu.requests.clear();
   */
  get requests(): RecordedRequests {
    const r = controlPlaneOf(this).audit.recorder;
    if (!r) throw new TypeError('the request recorder is off (createEmulator({ audit: { recorder: false } }))');
    return r;
  }

  /**
   * A token's lineage by its `jti`: the recorded TokenRequest that issued it (who asked, for
   * which audiences and binding) and every recorded request made with it, with its answer.
   * @example
   * const tr = await emu.requestToken('default', 'app', { boundObjectRef: { kind: 'Pod', name: 'web-0' } });
   * const { issued, uses } = emu.tokenLineage(emu.tokensFor('Pod', 'default', 'web-0')[0].jti);
   */
  tokenLineage(jti: string): TokenLineage {
    if (typeof jti !== 'string' || jti === '') throw new TypeError('tokenLineage needs the token\'s jti (a non-empty string)');
    return tokenLineage(this.requests.list({ jti }).concat(this.requests.list({ annotation: `authentication.kubernetes.io/issued-credential-id=JTI=${jti}` })), jti);
  }

  /**
   * TokenReview status: `authenticated`, `user`, `audiences`, `error`. The arrays in it may be
   * shared with the review cache, and are frozen.
   */
  reviewToken(token: string, audiences?: string[]): Promise<TokenReviewStatus> {
    return this.#tokens.reviewStatus(token, audiences);
  }

  /** The raw TokenReview call. */
  tokenReview(body: unknown): Promise<TokenReview> {
    return controlPlaneOf(this).tokens.review(body);
  }

  /** Adds a static bearer token (as a `--token-auth-file` line would); the user gains `system:authenticated`. */
  addStaticToken(token: string, user: UserInfo): void {
    controlPlaneOf(this).addStaticToken(token, user);
  }

  /**
   * Serves this emulator over HTTP(S) on 127.0.0.1 (the `satoken serve` API), for code under test
   * that needs a URL, a JWKS URI or a kubeconfig.
   * @example
   * const srv = await emu.listen();
   * await fetch(srv.jwksUri, { ... }); // or write srv.kubeconfig to a file
   * await srv.close();
   */
  async listen(opts: ListenOptions = {}): Promise<ListeningEmulator> {
    const { listen } = await import('./emulator-server.js');
    return listen(controlPlaneOf(this), opts);
  }

  /**
   * `satoken reload-check` for test suites: serves this emulator on 127.0.0.1 (HTTPS, its
   * certificate signed by the CA of `kube-root-ca.crt`), runs `command` as if in a pod of
   * `serviceAccount` with its projected volume bind-mounted at the in-cluster path, rotates and
   * invalidates its token `rotations` times, and resolves to the verdict with its evidence (a
   * FAIL is a result, not a rejection). Rejects with a `ReloadCheckError` (`code`
   * `ERR_RELOAD_CHECK_USAGE`, `_SETUP` or `_ABORTED`) when it cannot judge. Needs the real clock:
   * the program lives in real time.
   * @example
   * const emu = await createEmulator({ clock: 'real' });
   * const r = await emu.reloadCheck({ command: 'python3', args: ['app.py'], windowMs: 70_000, rotations: 1 });
   * expect(r.verdict).toBe('PASS');
   */
  async reloadCheck(options: ReloadCheckOptions): Promise<ReloadCheckResult> {
    const cp = controlPlaneOf(this);
    if (cp.clock instanceof ManualClock) throw new SatokenTypeError('ERR_INVALID_OPTION', 'reloadCheck runs the program in real time: createEmulator({ clock: "real" })');
    const [{ runReloadCheck }, { httpCluster }] = await Promise.all([import('./reload-check/run-check.js'), import('./reload-check/cluster.js')]);
    const srv = await this.listen();
    try {
      return await runReloadCheck(options, { cluster: httpCluster({ server: srv.url, token: srv.adminToken, ...(srv.caCert ? { caData: srv.caCert } : {}) }), clock: cp.clock });
    } finally {
      await srv.close();
    }
  }

  /** Creates a legacy `kubernetes.io/service-account-token` Secret and returns its token once the controller filled it. */
  async createLegacyToken(namespace: string, serviceAccount: string, secretName = `${serviceAccount}-token`): Promise<string> {
    await this.apply({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: secretName, namespace, annotations: { [SA_NAME_ANNOTATION]: serviceAccount } } });
    const s = this.get<Secret>('Secret', namespace, secretName);
    if (!s?.data?.token) throw errors.notFound('secrets', secretName);
    return Buffer.from(s.data.token, 'base64').toString('utf8');
  }

  /** `/openid/v1/jwks` */
  jwks(): object {
    return controlPlaneOf(this).keys.jwks();
  }

  /**
   * `/.well-known/openid-configuration`. The JWKS URI is `jwksUri`, else
   * `https://<externalAddress>/openid/v1/jwks` (kube-apiserver's default), else `<issuer>/openid/v1/jwks`.
   */
  openIdConfiguration(where: { jwksUri?: string; externalAddress?: string } = {}): object {
    return controlPlaneOf(this).keys.openIdConfiguration(this.issuer, where);
  }

  /** The live (unexpired) tokens hanging on an object. */
  tokensFor(kind: TrackedKind, namespace: string | undefined, name: string): IssuedToken[] {
    return controlPlaneOf(this).bindings.tokensFor(kind, namespace, name);
  }

  /** Calls `fn` whenever the deletion of an object kills tokens. Returns an unsubscribe function. */
  onInvalidated(fn: (e: InvalidationEvent) => void): () => void {
    return controlPlaneOf(this).bindings.onInvalidated(fn);
  }

  /**
   * Runs a kubelet for a node on this emulator's clock: it registers the Node, writes the
   * projected volumes of the pods bound to it under `rootDir`, rotates their tokens by the
   * kubelet's rules as the clock advances, and removes them with their pods.
   * @example
   * const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: mkdtempSync('/tmp/kubelet-') });
   * await emu.clock.advance(24 * 3600_000); // ~30 rotations of every kube-api-access token
   */
  async startKubelet(opts: { nodeName: string; rootDir: string; random?: () => number }): Promise<KubeletAgent> {
    const cp = controlPlaneOf(this);
    const k = new Kubelet({ nodeName: opts.nodeName, rootDir: opts.rootDir, clock: cp.clock, api: registryKubeletApi(cp, opts.nodeName), ...(opts.random ? { random: opts.random } : {}), ...(cp.logger ? { logger: cp.logger } : {}) });
    await k.start();
    this.kubelets.add(k);
    cp.onIdle(() => k.idle());
    return k;
  }

  /** Starts the controllers (idempotent): on one replica at a time when several share a store. */
  startControllers(): void {
    controlPlaneOf(this).startControllers();
  }

  /** Stops the controllers (idempotent), e.g. when this replica loses leadership. */
  stopControllers(): void {
    controlPlaneOf(this).stopControllers();
  }

  /** Resolves when every controller and kubelet has caught up. */
  idle(): Promise<void> {
    return controlPlaneOf(this).idle();
  }

  async close(): Promise<void> {
    for (const k of this.kubelets) k.stop();
    await controlPlaneOf(this).close();
  }
}

/**
 * Creates an emulator. See {@link Emulator}.
 * @example
 * const emu = await createEmulator({ clock: 'manual', startTime: '2026-01-01T00:00:00Z' });
 */
export function createEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  return Emulator.create(opts);
}

export { isStatusError };
