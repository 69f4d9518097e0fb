import type pino from 'pino';
import { type Clock, ManualClock, RealClock } from './clock/index.js';
import { LegacyTokenController, SA_NAME_ANNOTATION } from './controllers/legacy-token-controller.js';
import { LegacyTokenCleaner } from './controllers/legacy-token-cleaner.js';
import { LegacyTokenTrackingController, LegacyTokenUsageRecorder } from './controllers/legacy-token-tracking.js';
import { TokenMetrics } from './metrics/token-metrics.js';
import { RootCaPublisher } from './controllers/root-ca-publisher.js';
import { ServiceAccountController } from './controllers/service-account-controller.js';
import type { Controller } from './controllers/controller.js';
import { errors, isStatusError } from './errors/index.js';
import { serviceAccountAdmission } from './auth/admission/service-account.js';
import { nodeRestriction, nodeRestrictionForTokens } from './auth/admission/node-restriction.js';
import { registryNodeRestrictionDeps } from './auth/admission/node-restriction-registry.js';
import { serviceAccountAuthenticators } from './auth/authenticators/service-account-tokens.js';
import { tokenHash, tokenMapAuthenticator } from './auth/authenticators/static-token-file.js';
import { objectsOf, resourceByName, resourceOf } from './emulator-objects.js';
import type { ListenOptions, ListeningEmulator } from './emulator-server.js';
import { type EmulatorKeys, loadEmulatorKeys, type KeyOptions } from './emulator-keys.js';
import { BindingIndex, type InvalidationEvent, type TrackedKind } from './registry/binding-index.js';
import { kindInfo } from './registry/kinds.js';
import { ObjectRegistry } from './registry/object-registry.js';
import type { KubeObject, Secret, TokenRequest, TokenReview, TokenReviewStatus, UserInfo } from './registry/types.js';
import { Kubelet } from './kubelet/kubelet.js';
import { registryKubeletApi } from './kubelet/registry-api.js';
import { MemoryStore } from './store/memory-store.js';
import type { KeyValueStore } from './store/types.js';
import type { StaleTokenObserver } from './tokens/bound-validator.js';
import type { TokenObjectGetter } from './tokens/object-getter.js';
import { createTokenRequest, type IssuedToken, type TokenRequestConfig } from './tokens/token-request.js';
import { BearerTokenChain, reviewToken, tokenReviewStatus, validateTokenReviewSpec } from './tokens/token-review.js';
import type { SigningMode } from './tokens/signer.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

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
export class Emulator {
  readonly issuers: readonly string[];
  readonly apiAudiences: readonly string[];
  readonly clock: EmulatorClock;
  readonly getter: TokenObjectGetter;
  readonly chain: BearerTokenChain;
  private readonly controllers: Controller[] = [];
  private readonly kubelets = new Set<Kubelet>();
  private unhook: (() => void) | undefined;
  private readonly tokenConfig: TokenRequestConfig;
  private readonly staticTokens: Map<string, UserInfo>;
  private readonly logger: pino.Logger | undefined;
  /** token and request counters, fed by the authenticators; `metrics.render()` is the `/metrics` body */
  readonly metrics = new TokenMetrics();
  private readonly legacyUsage: LegacyTokenUsageRecorder;

  private constructor(
    readonly rawClock: Clock,
    readonly registry: ObjectRegistry,
    readonly bindings: BindingIndex,
    readonly keys: EmulatorKeys,
    opts: EmulatorOptions,
  ) {
    const issuers = opts.issuer === undefined ? [DEFAULT_ISSUER] : Array.isArray(opts.issuer) ? opts.issuer : [opts.issuer];
    if (issuers.length === 0 || issuers.some((i) => !i)) throw new Error('service-account-issuer should not be an empty string');
    this.issuers = issuers;
    this.logger = opts.logger;
    this.apiAudiences = opts.apiAudiences?.length ? opts.apiAudiences : issuers;
    this.clock = {
      now: () => rawClock.now(),
      advance: async (ms) => {
        if (!(rawClock instanceof ManualClock)) throw new TypeError('advance() needs the manual clock: createEmulator({ clock: "manual" })');
        await rawClock.advance(ms);
        await this.idle();
      },
    };
    this.getter = registryGetter(registry);
    this.tokenConfig = {
      issuers,
      apiAudiences: this.apiAudiences,
      maxExpirationSeconds: opts.maxTokenExpirationSeconds ?? 0,
      extendExpiration: opts.extendTokenExpiration ?? true,
      signing: opts.signing ?? 'inline',
    };
    const [bound, legacy] = serviceAccountAuthenticators({
      issuers,
      apiAudiences: this.apiAudiences,
      keys: keys.source,
      getter: this.getter,
      clock: rawClock,
      index: bindings,
      inSync: () => registry.inSync(),
      ...(opts.reviewCacheSize !== undefined ? { cacheSize: opts.reviewCacheSize } : {}),
      observer: this.metrics.observer(opts.observer),
      markLegacyUsed: (secret, date) => this.legacyUsage.mark(secret, date),
    });
    this.legacyUsage = new LegacyTokenUsageRecorder(registry, (key, err) => opts.logger?.warn({ key, err: String(err) }, 'legacy token last-used label update failed'));
    this.staticTokens = opts.staticTokens ?? new Map();
    this.chain = new BearerTokenChain([tokenMapAuthenticator(this.staticTokens, this.apiAudiences), bound, legacy]);
    if (opts.controllers !== false) {
      const onError = (c: string, key: string, err: unknown) => opts.logger?.warn({ controller: c, key, err: String(err) }, 'controller sync failed');
      this.controllers.push(new ServiceAccountController(registry, onError), new RootCaPublisher(registry, keys.caCert, onError), new LegacyTokenController(registry, keys.source, keys.caCert, onError));
      this.controllers.push(
        new LegacyTokenTrackingController(registry, rawClock, onError),
        new LegacyTokenCleaner(registry, { clock: rawClock, onError, ...(opts.legacyTokenCleanUpPeriodDays !== undefined ? { periodDays: opts.legacyTokenCleanUpPeriodDays } : {}), ...(opts.logger ? { logger: opts.logger } : {}) }),
      );
    }
  }

  /** @internal use {@link createEmulator} */
  static async create(opts: EmulatorOptions = {}): Promise<Emulator> {
    const clock = makeClock(opts);
    const store = opts.store ?? new MemoryStore();
    const registry = new ObjectRegistry({ store, clock });
    registry.admission.push(serviceAccountAdmission(registry));
    registry.admission.push(nodeRestriction(registryNodeRestrictionDeps(registry)));
    await registry.start();
    const bindings = new BindingIndex(registry, clock, {
      ...(opts.maxIndexedTokens !== undefined ? { maxTokens: opts.maxIndexedTokens } : {}),
      onFull: (max) => opts.logger?.warn({ maxIndexedTokens: max }, 'the binding registry is full: the tokens expiring soonest are no longer listed by tokensFor or invalidation events (they are still rejected when their objects go)'),
    });
    bindings.start();
    const keys = await loadEmulatorKeys(opts.keys ?? {}, clock);
    const emu = new Emulator(clock, registry, bindings, keys, opts);
    if (clock instanceof ManualClock) emu.unhook = clock.addIdleHook(() => emu.idle());
    for (const ns of BOOTSTRAP_NAMESPACES) {
      if (registry.peek(kindInfo('Namespace')!, undefined, ns)) continue;
      try {
        await registry.create(kindInfo('Namespace')!, '', { metadata: { name: ns } });
      } catch (e) {
        if (!(isStatusError(e) && e.reason === 'AlreadyExists')) throw e; // another replica made it
      }
    }
    if (opts.controllers !== 'manual') emu.startControllers();
    await emu.idle();
    return emu;
  }

  get issuer(): string {
    return this.issuers[0]!;
  }

  /** Creates each object, or replaces it if it exists (kubectl apply, roughly). Accepts YAML. */
  async apply(input: unknown): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for (const o of objectsOf(input)) {
      const info = resourceOf(o);
      const ns = info.namespaced ? o.metadata?.namespace || 'default' : '';
      const existing = this.registry.peek(info, ns || undefined, o.metadata?.name ?? '');
      if (existing) {
        const next = { ...structuredClone(o), metadata: { ...o.metadata, resourceVersion: existing.metadata.resourceVersion } };
        out.push(await this.registry.update(info, ns, existing.metadata.name!, next));
      } else {
        out.push(await this.registry.create(info, ns, o));
      }
    }
    await this.idle();
    return out.map((o) => structuredClone(o));
  }

  /** A copy of the object, or undefined. `kind` may be a kind, resource or short name. */
  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    const info = resourceByName(kind);
    const o = this.registry.peek(info, info.namespaced ? namespace || 'default' : undefined, name);
    return o ? (structuredClone(o) as T) : undefined;
  }

  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    const info = resourceByName(kind);
    return this.registry.list(info, info.namespaced ? namespace : undefined).items.map((o) => structuredClone(o) as T);
  }

  /** Deletes at once. Tokens bound to the object are dead before this resolves. */
  async delete(kind: string, namespace: string | undefined, name: string): Promise<KubeObject> {
    const info = resourceByName(kind);
    const o = await this.registry.delete(info, info.namespaced ? namespace || 'default' : '', name);
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

  /** The raw TokenRequest call: the body is what a client would POST. */
  async tokenRequest(namespace: string, serviceAccount: string, body: unknown, user?: UserInfo): Promise<TokenRequest & { warnings: string[] }> {
    const r = await createTokenRequest(
      { config: this.tokenConfig, getter: this.getter, keys: this.keys.source, clock: this.rawClock, admission: nodeRestrictionForTokens(this.registry, body) },
      namespace,
      serviceAccount,
      body,
      user,
    );
    this.bindings.record(r.issued);
    return Object.assign(r.tokenRequest, { warnings: r.warnings });
  }

  /**
   * TokenReview status: `authenticated`, `user`, `audiences`, `error`. The arrays in it may be
   * shared with the review cache, and are frozen.
   */
  reviewToken(token: string, audiences?: string[]): Promise<TokenReviewStatus> {
    // a string token and no audiences: nothing to check (the common call)
    if (typeof token !== 'string' || !token || audiences !== undefined) {
      try {
        validateTokenReviewSpec({ token, audiences });
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return tokenReviewStatus(this.chain, token, audiences, this.apiAudiences);
  }

  /** The raw TokenReview call. */
  async tokenReview(body: unknown): Promise<TokenReview> {
    return reviewToken(this.chain, body, this.apiAudiences);
  }

  /** Adds a static bearer token (as a `--token-auth-file` line would); the user gains `system:authenticated`. */
  addStaticToken(token: string, user: UserInfo): void {
    const groups = [...(user.groups ?? []).filter((g) => g !== 'system:authenticated'), 'system:authenticated'];
    this.staticTokens.set(tokenHash(token), { username: user.username ?? '', uid: user.uid ?? '', groups, extra: user.extra ?? {} });
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
    return listen(this, opts);
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
    return this.keys.jwks();
  }

  /**
   * `/.well-known/openid-configuration`. The JWKS URI is `jwksUri`, else
   * `https://<externalAddress>/openid/v1/jwks` (kube-apiserver's default), else `<issuer>/openid/v1/jwks`.
   */
  openIdConfiguration(where: { jwksUri?: string; externalAddress?: string } = {}): object {
    return this.keys.openIdConfiguration(this.issuer, where);
  }

  /** The live (unexpired) tokens hanging on an object. */
  tokensFor(kind: TrackedKind, namespace: string | undefined, name: string): IssuedToken[] {
    return this.bindings.tokensFor(kind, namespace, name);
  }

  /** Calls `fn` whenever the deletion of an object kills tokens. Returns an unsubscribe function. */
  onInvalidated(fn: (e: InvalidationEvent) => void): () => void {
    return this.bindings.onInvalidated(fn);
  }

  /**
   * Runs a kubelet for a node on this emulator's clock: it registers the Node, writes the
   * projected volumes of the pods bound to it under `rootDir`, rotates their tokens by the
   * kubelet's rules as the clock advances, and removes them with their pods.
   * @example
   * const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: mkdtempSync('/tmp/kubelet-') });
   * await emu.clock.advance(24 * 3600_000); // ~30 rotations of every kube-api-access token
   */
  async startKubelet(opts: { nodeName: string; rootDir: string; random?: () => number }): Promise<Kubelet> {
    const k = new Kubelet({ nodeName: opts.nodeName, rootDir: opts.rootDir, clock: this.rawClock, api: registryKubeletApi(this, opts.nodeName), ...(opts.random ? { random: opts.random } : {}), ...(this.logger ? { logger: this.logger } : {}) });
    await k.start();
    this.kubelets.add(k);
    return k;
  }

  /** Starts the controllers (idempotent): on one replica at a time when several share a store. */
  startControllers(): void {
    for (const c of this.controllers) c.start();
  }

  /** Stops the controllers (idempotent), e.g. when this replica loses leadership. */
  stopControllers(): void {
    for (const c of this.controllers) c.stop();
  }

  /** Resolves when every controller and kubelet has caught up. */
  async idle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await Promise.all(this.controllers.map((c) => c.idle()));
      await this.legacyUsage.idle();
      await Promise.all([...this.kubelets].map((k) => k.idle()));
    }
  }

  async close(): Promise<void> {
    this.unhook?.();
    for (const k of this.kubelets) k.stop();
    for (const c of this.controllers) c.stop();
    this.legacyUsage.stop();
    this.bindings.stop();
    this.registry.stop();
    await this.registry.store.close();
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

function makeClock(opts: EmulatorOptions): Clock {
  if (opts.clock && typeof opts.clock === 'object') return opts.clock;
  if (opts.clock === 'real') return new RealClock();
  const start = opts.startTime === undefined ? Date.now() : new Date(opts.startTime).getTime();
  if (!Number.isFinite(start)) throw new TypeError(`startTime is not a valid date: ${String(opts.startTime)}`);
  return new ManualClock(start);
}

/** The registry as the token code's object getter (informer-cache reads). */
export function registryGetter(registry: ObjectRegistry): TokenObjectGetter {
  // IMPORTANT: while the store's watch is broken (etcd), never answer from the cache: a deletion
  // may be missing from it. Read live instead, and fail if the store cannot be read.
  const get = <T>(kind: string, ns: string | undefined, name: string): T | Promise<T> =>
    registry.inSync() ? (registry.get(kindInfo(kind)!, ns, name) as T) : (registry.getLive(kindInfo(kind)!, ns, name) as Promise<T>);
  return {
    getServiceAccount: (ns, name) => get('ServiceAccount', ns, name),
    getPod: (ns, name) => get('Pod', ns, name),
    getSecret: (ns, name) => get('Secret', ns, name),
    getNode: (name) => get('Node', undefined, name),
  };
}

export { isStatusError };
