/**
 * The control plane, built once from options: objects (registry and store), the binding
 * registry, keys, the TokenService, authentication, authorization, admission, controllers and
 * metrics. `satoken serve`, the library's {@link Emulator} and the tests all build it here, so
 * there is one assembly of the parts and one order of start-up:
 * - clock, store, admission chain (empty), registry; the registry loads and follows the store;
 * - binding registry; keys; the fault injector (TokenFaults); authenticators (bound, legacy,
 *   static tokens) behind the review faults; token service with the issue faults;
 * - bootstrap namespaces and, with RBAC, the bootstrap policy;
 * - authorization (`--authorization-mode`); then the admission plugins, installed once:
 *   ServiceAccount, NodeRestriction, the optional extra plugins, and RBAC escalation last;
 * - controllers (started unless `controllers` says otherwise).
 * Nothing here is exported from the package: the library's surface is src/index.ts.
 */
import type pino from 'pino';
import { type AuditOptions, buildAuditor } from './audit/audit-options.js';
import type { Auditor } from './audit/auditor.js';
import { auditedWrites, componentUserAgent } from './audit/in-process.js';
import type { RequestRecorder } from './audit/recorder.js';
import { KindSchemas } from './registry/schema/index.js';
import { type Clock, ManualClock, RealClock, baseClock } from './clock/index.js';
import { buildAuthorizer, ensureBootstrapPolicy } from './auth/access-control.js';
import { nodeRestriction } from './auth/admission/node-restriction.js';
import { registryNodeRestrictionDeps } from './auth/admission/node-restriction-registry.js';
import { rbacEscalationAdmission } from './auth/admission/rbac-escalation.js';
import { serviceAccountAdmission } from './auth/admission/service-account.js';
import type { Authorizer, RuleResolver } from './auth/authorizer/index.js';
import { serviceAccountAuthenticators } from './auth/authenticators/service-account-tokens.js';
import { tokenHash, tokenMapAuthenticator } from './auth/authenticators/static-token-file.js';
import { BearerTokenChain } from './auth/authenticators/bearer-token-chain.js';
import type { Controller } from './controllers/controller.js';
import { LegacyTokenCleaner } from './controllers/legacy-token-cleaner.js';
import { LegacyTokenController } from './controllers/legacy-token-controller.js';
import { LegacyTokenTrackingController, LegacyTokenUsageRecorder } from './controllers/legacy-token-tracking.js';
import { RootCaPublisher } from './controllers/root-ca-publisher.js';
import { ServiceAccountController } from './controllers/service-account-controller.js';
import { DeploymentController } from './controllers/deployment-controller.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { JobController } from './controllers/job-controller.js';
import { CronJobController } from './controllers/cronjob-controller.js';
import { DaemonSetController } from './controllers/daemonset-controller.js';
import { StatefulSetController } from './controllers/statefulset-controller.js';
import { NodeLifecycleController } from './controllers/node-lifecycle-controller.js';
import { ReplicaSetController } from './controllers/replicaset-controller.js';
import { Scheduler } from './controllers/scheduler.js';
import { TaintEvictionController } from './controllers/taint-eviction-controller.js';
import { type EmulatorKeys, loadEmulatorKeys, type KeyOptions } from './emulator-keys.js';
import { isStatusError, SatokenError, SatokenTypeError } from './errors/index.js';
import { TokenMetrics, type TokenObserver } from './metrics/token-metrics.js';
import { defaultTolerationSecondsAdmission } from './auth/admission/default-toleration-seconds.js';
import { priorityAdmission } from './auth/admission/priority.js';
import { AdmissionChain, type AdmissionPlugin } from './registry/admission.js';
import { BindingIndex } from './registry/binding-index.js';
import { kindInfo } from './registry/kinds.js';
import { ObjectRegistry } from './registry/object-registry.js';
import { registryGetter } from './registry/object-getter.js';
import { TokenService } from './registry/token-service.js';
import type { UserInfo } from './registry/types.js';
import { MemoryStore } from './store/memory-store.js';
import { FaultInjector } from './faults/fault-injector.js';
import { type FaultStage, faultStage } from './faults/fault-stage.js';
import { podGracefulDeletion } from './faults/graceful-deletion.js';
import { issueFaults } from './faults/issue-faults.js';
import type { RevocationMode } from './faults/revocation.js';
import { reviewFaults } from './faults/review-faults.js';
import { registerTokenFaultSchema } from './faults/token-fault-schema.js';
import { registryTrustRules } from './identity/trust-rules.js';
import { registerTrustSchemas } from './identity/trust-schemas.js';
import { registryServiceAccounts } from './identity/webhooks/service-accounts.js';
import { workloadIdentity, type WorkloadIdentity, type WorkloadIdentitySettings } from './identity/workload-identity.js';
import type { KeyValueStore } from './store/types.js';
import type { SigningMode } from './tokens/signer.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** kube-apiserver's default `--authorization-mode` in kubeadm clusters */
export const DEFAULT_AUTHORIZATION_MODES: readonly string[] = ['Node', 'RBAC'];

/** `--authorization-mode` and the files and settings of its modes. */
export interface AuthorizationOptions {
  /** ordered modes: Node, RBAC, ABAC, Webhook, AlwaysAllow, AlwaysDeny (default Node,RBAC) */
  modes?: readonly string[];
  /** `--authorization-policy-file` (ABAC) */
  policyFile?: string;
  /** `--authorization-webhook-config-file` (Webhook) */
  webhookConfigFile?: string;
  /** `--authorization-webhook-version` (v1beta1, Kubernetes' default, or v1) */
  webhookVersion?: 'v1' | 'v1beta1';
  /** `--authorization-webhook-cache-authorized-ttl` / `-unauthorized-ttl`, in ms */
  webhookAuthorizedTtlMs?: number;
  webhookUnauthorizedTtlMs?: number;
}

/**
 * The workload controllers and the scheduler: Deployment, ReplicaSet, the garbage collector,
 * node lifecycle, taint eviction and default-scheduler, with kube-controller-manager's periods.
 */
export interface WorkloadControllerSettings {
  /** `--node-monitor-grace-period` in ms (default 50 s): a node silent this long turns Unknown */
  nodeMonitorGracePeriodMs?: number;
  /** `--node-monitor-period` in ms (default 5 s) */
  nodeMonitorPeriodMs?: number;
  /** `--node-startup-grace-period` in ms (default 60 s) */
  nodeStartupGracePeriodMs?: number;
}

export interface ControlPlaneOptions {
  clock: Clock;
  /** `--service-account-issuer`; several: the first signs, all verify */
  issuers: readonly string[];
  /** `--api-audiences` (default: the issuers) */
  apiAudiences?: readonly string[];
  keys?: KeyOptions;
  /** `--service-account-max-token-expiration` in seconds (0: none) */
  maxTokenExpirationSeconds?: number;
  /** `--service-account-extend-token-expiration` (default true) */
  extendTokenExpiration?: boolean;
  /** where objects live (default: a new memory store) */
  store?: KeyValueStore;
  /** cached successful reviews (default 10,000; 0 disables) */
  reviewCacheSize?: number;
  /** issued tokens the binding registry lists at most (default 1,000,000) */
  maxIndexedTokens?: number;
  /** static bearer tokens (`--token-auth-file`), keyed by {@link tokenHash} */
  staticTokens?: Map<string, UserInfo>;
  /** `true` (default) starts the controllers, `false` builds none, `'manual'` builds them stopped */
  controllers?: boolean | 'manual';
  logger?: pino.Logger;
  observer?: TokenObserver;
  signing?: SigningMode;
  /** run the workload controllers and the scheduler (`satoken serve` does; default off) */
  workloads?: boolean | WorkloadControllerSettings;
  /** `--legacy-service-account-token-clean-up-period` in days */
  legacyTokenCleanUpPeriodDays?: number;
  authorization?: AuthorizationOptions;
  /** admission plugins installed after ServiceAccount and NodeRestriction, before RBAC escalation */
  admissionPlugins?: (objects: ObjectRegistry) => AdmissionPlugin[];
  /** cloud workload identity (`--workload-identity`): the EKS and Azure webhooks and their token exchanges */
  workloadIdentity?: WorkloadIdentitySettings;
  /** audit policy, log and recorder (default: the recorder alone, src/audit/recorder.ts) */
  audit?: AuditOptions;
  /** `--revocation`: `immediate` (default) or Kubernetes' own delays (faults/revocation.ts) */
  revocation?: RevocationMode;
}

interface ControlPlaneParts {
  clock: Clock;
  objects: ObjectRegistry;
  bindings: BindingIndex;
  keys: EmulatorKeys;
  tokens: TokenService;
  authorizer: Authorizer;
  ruleResolver: RuleResolver;
  admission: AdmissionChain;
  staticTokens: Map<string, UserInfo>;
  authentication: BearerTokenChain;
  legacyUsage: LegacyTokenUsageRecorder;
  metrics: TokenMetrics;
  logger: pino.Logger | undefined;
  workloadIdentity: WorkloadIdentity | undefined;
  audit: { auditor: Auditor; recorder: RequestRecorder | undefined };
  faults: { injector: FaultInjector; stage: FaultStage };
  revocation: RevocationMode;
}

/**
 * One control plane. Its parts are fixed when it is built; the HTTP layer, the kubelet and the
 * library depend on the parts they use, never on the whole.
 */
export class ControlPlane {
  readonly issuers: readonly string[];
  readonly apiAudiences: readonly string[];
  /** token and request counters; `metrics.render()` is the `/metrics` body */
  readonly metrics: TokenMetrics;
  readonly authentication: BearerTokenChain;
  private readonly controllers: Controller[] = [];
  private readonly idleHooks = new Set<() => Promise<void>>();
  private readonly legacyUsage: LegacyTokenUsageRecorder;
  private unhook: (() => void) | undefined;

  readonly clock: Clock;
  readonly objects: ObjectRegistry;
  readonly bindings: BindingIndex;
  readonly keys: EmulatorKeys;
  readonly tokens: TokenService;
  readonly authorizer: Authorizer;
  readonly ruleResolver: RuleResolver;
  readonly admission: AdmissionChain;
  readonly logger: pino.Logger | undefined;
  /** the clouds' webhooks (installed) and endpoints (for the API server), when asked for */
  readonly workloadIdentity: WorkloadIdentity | undefined;
  /** the auditor every request (HTTP and in-process) reports to, and the recorder among its sinks */
  readonly audit: { auditor: Auditor; recorder: RequestRecorder | undefined };
  /** the kinds' schemas bodies are decoded against; other modules register their kinds here */
  readonly schemas = new KindSchemas();
  /** the TokenFaults in force, and the pipeline stage that applies those of HTTP alone */
  readonly faults: { readonly injector: FaultInjector; readonly stage: FaultStage };
  /** `immediate` or `kubernetes` (faults/revocation.ts) */
  readonly revocation: RevocationMode;
  private readonly staticTokens: Map<string, UserInfo>;

  private constructor(p: ControlPlaneParts) {
    this.clock = p.clock;
    this.objects = p.objects;
    this.bindings = p.bindings;
    this.keys = p.keys;
    this.tokens = p.tokens;
    this.authorizer = p.authorizer;
    this.ruleResolver = p.ruleResolver;
    this.admission = p.admission;
    this.logger = p.logger;
    this.workloadIdentity = p.workloadIdentity;
    this.staticTokens = p.staticTokens;
    this.authentication = p.authentication;
    this.legacyUsage = p.legacyUsage;
    this.metrics = p.metrics;
    this.issuers = p.tokens.issuers;
    this.apiAudiences = p.tokens.apiAudiences;
    this.audit = p.audit;
    this.faults = p.faults;
    this.revocation = p.revocation;
  }

  /**
   * Builds and starts a control plane (see the module comment for the order).
   * @example
   * const cp = await ControlPlane.create({ clock: new ManualClock(Date.now()), issuers: [DEFAULT_ISSUER] });
   */
  static async create(o: ControlPlaneOptions): Promise<ControlPlane> {
    const issuers = o.issuers;
    if (issuers.length === 0 || issuers.some((i) => !i)) throw new SatokenError('ERR_INVALID_OPTION', 'service-account-issuer should not be an empty string');
    const apiAudiences = o.apiAudiences?.length ? [...o.apiAudiences] : [...issuers];
    const clock = o.clock;
    const admission = new AdmissionChain();
    const revocation = o.revocation ?? 'immediate';
    const objects = new ObjectRegistry({ store: o.store ?? new MemoryStore(), clock, admission, ...(revocation === 'kubernetes' ? { gracefulDeletion: podGracefulDeletion } : {}) });
    await objects.start();
    const bindings = new BindingIndex(objects, clock, {
      ...(o.maxIndexedTokens !== undefined ? { maxTokens: o.maxIndexedTokens } : {}),
      onFull: (max) => o.logger?.warn({ maxIndexedTokens: max }, 'the binding registry is full: the tokens expiring soonest are no longer listed by tokensFor or invalidation events (they are still rejected when their objects go)'),
    });
    bindings.start();
    const keys = await loadEmulatorKeys(o.keys ?? {}, clock);
    const getter = registryGetter(objects);
    const metrics = new TokenMetrics();
    const injector = new FaultInjector({ objects, clock, applied: metrics.faultsApplied, logger: o.logger });
    injector.start();
    const legacyUsage = new LegacyTokenUsageRecorder(objects, (key, err) => o.logger?.warn({ key, err: String(err) }, 'legacy token last-used label update failed'));
    const [bound, legacy] = serviceAccountAuthenticators({
      issuers,
      apiAudiences,
      keys: keys.source,
      getter,
      clock,
      index: bindings,
      inSync: () => objects.inSync(),
      ...(o.reviewCacheSize !== undefined ? { cacheSize: o.reviewCacheSize } : {}),
      cacheMode: revocation,
      observer: metrics.observer(o.observer),
      markLegacyUsed: (secret, date) => legacyUsage.mark(secret, date),
    });
    const staticTokens = o.staticTokens ?? new Map<string, UserInfo>();
    const authentication = new BearerTokenChain([tokenMapAuthenticator(staticTokens, apiAudiences), bound, legacy], reviewFaults(injector, { issuers, apiAudiences }));
    const tokens = new TokenService({
      config: { issuers, apiAudiences, maxExpirationSeconds: o.maxTokenExpirationSeconds ?? 0, extendExpiration: o.extendTokenExpiration ?? true, signing: o.signing ?? 'inline' },
      getter,
      keys: keys.source,
      clock,
      admission,
      bindings,
      authentication,
      serviceAccounts: kindInfo('ServiceAccount')!,
      faults: issueFaults(injector, apiAudiences),
    });

    for (const ns of BOOTSTRAP_NAMESPACES) await createIfMissing(objects, 'Namespace', ns);
    const authz = o.authorization ?? {};
    const modes = authz.modes ?? DEFAULT_AUTHORIZATION_MODES;
    if (modes.includes('RBAC')) await ensureBootstrapPolicy(objects);
    const { authorizer, ruleResolver } = buildAuthorizer({
      modes,
      registry: objects,
      clock,
      ...(authz.policyFile ? { policyFile: authz.policyFile } : {}),
      ...(authz.webhookConfigFile ? { webhookConfigFile: authz.webhookConfigFile } : {}),
      ...(authz.webhookVersion ? { webhookVersion: authz.webhookVersion } : {}),
      ...(authz.webhookAuthorizedTtlMs !== undefined ? { webhookAuthorizedTtlMs: authz.webhookAuthorizedTtlMs } : {}),
      ...(authz.webhookUnauthorizedTtlMs !== undefined ? { webhookUnauthorizedTtlMs: authz.webhookUnauthorizedTtlMs } : {}),
    });
    const identity = o.workloadIdentity?.clouds.length
      ? workloadIdentity({ ...o.workloadIdentity, serviceAccounts: registryServiceAccounts(objects), trust: registryTrustRules(objects), clock, ...(o.logger ? { logger: o.logger } : {}) })
      : undefined;
    admission.install([
      serviceAccountAdmission(objects),
      nodeRestriction({ ...registryNodeRestrictionDeps(objects), authorizer }),
      priorityAdmission(),
      defaultTolerationSecondsAdmission(),
      ...(o.admissionPlugins?.(objects) ?? []),
      // mutating webhooks, after the built-in plugins (as MutatingAdmissionWebhook comes after them)
      ...(identity?.admissionPlugins ?? []),
      rbacEscalationAdmission({ authorizer, registry: objects }),
    ]);

    const audit = buildAuditor(o.audit ?? {}, { clock, ...(o.logger ? { onError: (m: string) => o.logger!.error(m) } : {}) });
    const cp = new ControlPlane({ clock, objects, bindings, keys, tokens, authorizer, ruleResolver, admission, staticTokens, authentication, legacyUsage, metrics, logger: o.logger, workloadIdentity: identity, audit: { auditor: audit.auditor, recorder: audit.recorder }, faults: { injector, stage: faultStage(injector) }, revocation });
    registerTrustSchemas(cp.schemas);
    registerTokenFaultSchema(cp.schemas);
    if (o.controllers !== false) cp.buildControllers(o);
    const base = baseClock(clock);
    if (base instanceof ManualClock) cp.unhook = base.addIdleHook(() => cp.idle());
    if (o.controllers !== 'manual') cp.startControllers();
    await cp.idle();
    return cp;
  }

  private buildControllers(o: ControlPlaneOptions): void {
    const onError = (c: string, key: string, err: unknown) => o.logger?.warn({ controller: c, key, err: String(err) }, 'controller sync failed');
    const { clock } = this;
    // each controller writes as its own identity (kube-controller-manager's
    // --use-service-account-credentials; the token controller and tracking run privileged), so
    // the audit records its requests under that name
    const as = (username: string, component = 'kube-controller-manager') =>
      auditedWrites(this.objects, this.audit.auditor, { username, groups: username.startsWith('system:serviceaccount:') ? ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] : ['system:authenticated'] }, componentUserAgent(component, username));
    this.controllers.push(
      new ServiceAccountController(as('system:serviceaccount:kube-system:service-account-controller'), onError),
      new RootCaPublisher(as('system:serviceaccount:kube-system:root-ca-cert-publisher'), this.keys.caCert, onError),
      new LegacyTokenController(as('system:kube-controller-manager'), this.keys.source, this.keys.caCert, onError),
      new LegacyTokenTrackingController(as('system:apiserver', 'kube-apiserver'), clock, onError),
      new LegacyTokenCleaner(as('system:serviceaccount:kube-system:legacy-service-account-token-cleaner'), { clock, onError, ...(o.legacyTokenCleanUpPeriodDays !== undefined ? { periodDays: o.legacyTokenCleanUpPeriodDays } : {}), ...(o.logger ? { logger: o.logger } : {}) }),
    );
    if (o.workloads) {
      const w = o.workloads === true ? {} : o.workloads;
      const sa = (name: string) => as(`system:serviceaccount:kube-system:${name}`);
      this.controllers.push(
        new DeploymentController({ registry: sa('deployment-controller'), clock, onError }),
        new ReplicaSetController({ registry: sa('replicaset-controller'), clock, onError }),
        new JobController({ registry: sa('job-controller'), clock, onError }),
        new CronJobController({ registry: sa('cronjob-controller'), clock, onError }),
        new StatefulSetController({ registry: sa('statefulset-controller'), clock, onError }),
        new DaemonSetController({ registry: sa('daemon-set-controller'), clock, onError }),
        new GarbageCollector(sa('generic-garbage-collector'), onError),
        new Scheduler({ registry: as('system:kube-scheduler', 'kube-scheduler'), clock, onError }),
        new NodeLifecycleController({
          registry: sa('node-controller'),
          clock,
          onError,
          ...(w.nodeMonitorGracePeriodMs !== undefined ? { gracePeriodMs: w.nodeMonitorGracePeriodMs } : {}),
          ...(w.nodeMonitorPeriodMs !== undefined ? { monitorPeriodMs: w.nodeMonitorPeriodMs } : {}),
          ...(w.nodeStartupGracePeriodMs !== undefined ? { startupGracePeriodMs: w.nodeStartupGracePeriodMs } : {}),
        }),
        new TaintEvictionController({ registry: sa('node-controller'), clock, onError }),
      );
    }
  }

  /** Adds a static bearer token (as a `--token-auth-file` line would); the user gains `system:authenticated`. */
  addStaticToken(token: string, user: UserInfo): void {
    const groups = [...(user.groups ?? []).filter((g) => g !== 'system:authenticated'), 'system:authenticated'];
    this.staticTokens.set(tokenHash(token), { username: user.username ?? '', uid: user.uid ?? '', groups, extra: user.extra ?? {} });
  }

  /** Starts the controllers (idempotent): on one replica at a time when several share a store. */
  startControllers(): void {
    for (const c of this.controllers) c.start();
  }

  /** Stops the controllers (idempotent), e.g. when this replica loses leadership. */
  stopControllers(): void {
    for (const c of this.controllers) c.stop();
  }

  /**
   * Registers work to wait for in {@link idle} (a kubelet's pending pod syncs); returns the
   * unregister function.
   */
  onIdle(hook: () => Promise<void>): () => void {
    this.idleHooks.add(hook);
    return () => this.idleHooks.delete(hook);
  }

  /** Resolves when every controller, the legacy-token usage writer and every idle hook have caught up. */
  async idle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await Promise.all(this.controllers.map((c) => c.idle()));
      await this.legacyUsage.idle();
      await this.faults.injector.idle();
      await Promise.all([...this.idleHooks].map((h) => h()));
    }
  }

  async close(): Promise<void> {
    this.unhook?.();
    this.stopControllers();
    this.legacyUsage.stop();
    this.faults.injector.stop();
    await this.faults.injector.idle();
    this.bindings.stop();
    this.objects.stop();
    await this.audit.auditor.close();
    await this.objects.store.close();
  }
}

/**
 * Builds a control plane. See {@link ControlPlane}.
 * @example
 * const cp = await createControlPlane({ clock: new RealClock(), issuers: [DEFAULT_ISSUER] });
 */
export function createControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  return ControlPlane.create(o);
}

/** A clock from the library's options: a Clock, `'real'`, or a manual clock at `startTime` (default now). */
export function makeClock(opts: { clock?: 'manual' | 'real' | Clock; startTime?: number | string | Date }): Clock {
  if (opts.clock && typeof opts.clock === 'object') return opts.clock;
  if (opts.clock === 'real') return new RealClock();
  const start = opts.startTime === undefined ? new RealClock().now() : new Date(opts.startTime).getTime();
  if (!Number.isFinite(start)) throw new SatokenTypeError('ERR_INVALID_OPTION', `startTime is not a valid date: ${String(opts.startTime)}`);
  return new ManualClock(start);
}

async function createIfMissing(objects: ObjectRegistry, kind: string, name: string): Promise<void> {
  const info = kindInfo(kind)!;
  if (objects.peek(info, undefined, name)) return;
  try {
    await objects.create(info, '', { metadata: { name } });
  } catch (e) {
    if (!(isStatusError(e) && e.reason === 'AlreadyExists')) throw e; // another replica made it
  }
}
