/**
 * The audit machinery one request context drives, as kube-apiserver's filters do
 * (staging/src/k8s.io/apiserver/pkg/endpoints/filters/audit.go, audit_init.go,
 * pkg/audit/context.go, request.go):
 * - {@link Auditor.begin} after authentication (`WithAudit`): every sink's policy is evaluated
 *   once; when all say None, nothing more happens for the request (`undefined` comes back);
 *   otherwise a `RequestReceived` event goes out;
 * - the {@link AuditRequest} then collects what later stages learn (impersonated user,
 *   authorization decision, request and response objects) and sends `ResponseStarted` (long-
 *   running requests only), `ResponseComplete` or `Panic`;
 * - {@link Auditor.failedAuthentication}: the one `ResponseStarted` event of a 401
 *   (`WithFailedAuthenticationAudit`).
 * Each sink (the log, the recorder) has its own policy, so each gets the event at its own level
 * and with its own omitted stages. Events handed to sinks are snapshots: a sink may keep them.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/index.js';
import type { UserInfo } from '../registry/types.js';
import { microTime } from './micro-time.js';
import type { AuditAttributes, RequestAuditConfig } from './policy-evaluator.js';
import { redactText, snapshotText } from './redact.js';
import { ANNOTATIONS, type AuditEvent, type EventUser, type Level, type ObjectReference, type ResponseStatus, type Stage, levelAtLeast, maxLevel } from './types.js';

/** Where events go: the log backend, the recorder. */
export interface AuditSink {
  /** decides, per request, this sink's level, omitted stages and managed-fields setting */
  readonly evaluator: { evaluate(a: AuditAttributes): RequestAuditConfig };
  /**
   * A sink that keeps events and seldom reads their objects (the recorder): its events'
   * `requestObject` and `responseObject` come as their redacted JSON text, which it parses when
   * someone reads them ({@link readObjectTexts}), so that a kept event holds one string instead
   * of a tree of objects.
   */
  readonly lazyObjects?: boolean;
  /**
   * Takes one event (a snapshot the sink may keep). Returns a value handed back with the same
   * request's next event, so a sink can replace what it kept instead of adding to it.
   * `objectChars`: the characters of request and response object text the event holds;
   * `texts`: for a lazy sink, which objects are still text ({@link OBJECT_TEXT}).
   */
  process(event: AuditEvent, previous: unknown, objectChars: number, texts: number): unknown;
  close?(): Promise<void>;
}

/** What a request context knows when it opens the audit event. */
export interface AuditStart {
  /** the authorization attributes (`user` is absent when authentication failed) */
  attributes: AuditAttributes;
  /** the request's `Audit-ID` header, else a new UUID: see {@link auditIdOf} */
  auditID: string;
  /** path and query as the client sent them */
  requestURI: string;
  userAgent?: string | undefined;
  sourceIPs?: readonly string[] | undefined;
  /** when the request arrived, clock milliseconds */
  receivedAt: number;
  /** a watch or another long-running request: `ResponseStarted` is recorded for it */
  longRunning?: boolean | undefined;
}

/** A `metav1.Status` as handlers answer errors. */
export interface StatusLike {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  details?: object;
  code?: number;
}

const MAX_USER_AGENT = 1024;

/**
 * The `Audit-ID` a request is known by: the client's `Audit-ID` header when it sent one
 * (kube-apiserver keeps it, so a client can follow its request), else a new UUID. The response
 * carries it back as `Audit-Id`.
 * @example
 * res.setHeader('Audit-Id', auditIdOf(req.headers['audit-id']));
 */
export function auditIdOf(header: string | string[] | undefined, newId: () => string = randomUUID): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v ? v : newId();
}

/** `maybeTruncateUserAgent`: at most 1024 characters, then `...TRUNCATED`. */
function userAgentOf(ua: string | undefined): string | undefined {
  if (!ua) return undefined;
  return redactText(ua.length > MAX_USER_AGENT ? `${ua.slice(0, MAX_USER_AGENT)}...TRUNCATED` : ua);
}

/** Event users already made, by the authenticator's user object (cached identities are shared). */
const EVENT_USERS = new WeakMap<UserInfo, EventUser>();
const NO_USER: EventUser = Object.freeze({});

/** A user as an event carries it: empty members left out, extra keys sorted (Go sorts map keys). */
export function eventUser(u: UserInfo | undefined): EventUser {
  if (!u) return NO_USER;
  let out = EVENT_USERS.get(u);
  if (!out) {
    out = Object.freeze(makeEventUser(u));
    EVENT_USERS.set(u, out);
  }
  return out;
}

function makeEventUser(u: UserInfo): EventUser {
  const out: EventUser = {};
  if (u.username) out.username = u.username;
  if (u.uid) out.uid = u.uid;
  if (u.groups?.length) out.groups = u.groups;
  const extra = u.extra;
  if (extra) {
    const keys = Object.keys(extra);
    if (keys.length) out.extra = isSorted(keys) ? extra : Object.fromEntries(keys.sort().map((k) => [k, extra[k]!]));
  }
  return out;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * A small interning table: the same value for the same key, so that the many events of alike
 * requests share their object references, statuses and annotations instead of each holding a
 * copy (the recorder keeps thousands). Cleared when it reaches its bound.
 */
class Interned<T> {
  private readonly map = new Map<string, T>();
  get(key: string, make: () => T): T {
    let v = this.map.get(key);
    if (v === undefined) {
      if (this.map.size >= 4096) this.map.clear();
      v = make();
      this.map.set(key, v);
    }
    return v;
  }
}

const REFS = new Interned<ObjectReference>();
/** request URIs, user agents and source IP lists: a kept event shares them with its alikes (fresh strings from each request's headers are dropped young) */
const TEXTS = new Interned<string>();
const IP_LISTS = new Interned<readonly string[]>();

function sharedText(s: string): string {
  return s.length > 512 ? s : TEXTS.get(s, () => s);
}

function sharedIps(ips: readonly string[] | undefined): readonly string[] | undefined {
  if (!ips?.length) return undefined;
  const key = ips.join(',');
  // a long X-Forwarded-For list is kept as it came, not made a key
  return key.length > 512 ? ips : IP_LISTS.get(key, () => Object.freeze([...ips]));
}
const CODES = new Interned<ResponseStatus>();
const ANNOTATION_SETS = new Interned<Readonly<Record<string, string>>>();

function objectRefOf(a: AuditAttributes): ObjectReference | undefined {
  if (!a.resourceRequest) return undefined;
  if (a.name.length + a.namespace.length > 256) return makeObjectRef(a);
  return REFS.get(`${a.resource}\u0000${a.namespace}\u0000${a.name}\u0000${a.apiGroup}\u0000${a.apiVersion}\u0000${a.subresource}`, () => Object.freeze(makeObjectRef(a)));
}

function makeObjectRef(a: AuditAttributes): ObjectReference {
  const ref: ObjectReference = {};
  if (a.resource) ref.resource = a.resource;
  if (a.namespace) ref.namespace = a.namespace;
  if (a.name) ref.name = a.name;
  if (a.apiGroup) ref.apiGroup = a.apiGroup;
  if (a.apiVersion) ref.apiVersion = a.apiVersion;
  if (a.subresource) ref.subresource = a.subresource;
  return ref;
}

/** `{ metadata: {}, code }`, shared by every event whose status is only its code. */
function codeOnly(code: number): ResponseStatus {
  return CODES.get(String(code), () => Object.freeze({ metadata: Object.freeze({}) as Record<string, never>, code }));
}

/** The bounded copy of a Status an event keeps (`LogResponseObject`). */
function responseStatusOf(s: StatusLike): ResponseStatus {
  const out: ResponseStatus = { metadata: {} };
  if (s.status) out.status = s.status;
  if (s.message) out.message = redactText(s.message);
  if (s.reason) out.reason = s.reason;
  if (s.details) out.details = s.details as Record<string, unknown>;
  if (s.code) out.code = s.code;
  return out;
}

interface Target {
  sink: AuditSink;
  config: RequestAuditConfig;
  previous: unknown;
}

/** An object's snapshot text per managed-fields setting (the sinks' policies may differ). */
interface Snapshots {
  source: unknown;
  kept?: string;
  stripped?: string;
}

function snapshotFor(s: Snapshots, omitManagedFields: boolean): string {
  if (omitManagedFields) return (s.stripped ??= snapshotText(s.source, true));
  return (s.kept ??= snapshotText(s.source, false));
}

/** Which of an event's objects a lazy sink gets as their JSON text (the `texts` of {@link AuditSink.process}). */
export const OBJECT_TEXT = { request: 1, response: 2 } as const;

/**
 * Parses, in place, the object members a lazy sink was handed as text (`texts`, from
 * {@link OBJECT_TEXT}); the members keep their place in the event.
 * @example
 * readObjectTexts(event, texts);
 */
export function readObjectTexts(ev: AuditEvent, texts: number): void {
  if (texts & OBJECT_TEXT.request) ev.requestObject = JSON.parse(ev.requestObject as string) as unknown;
  if (texts & OBJECT_TEXT.response) ev.responseObject = JSON.parse(ev.responseObject as string) as unknown;
}

/**
 * One request's audit event, opened by {@link Auditor.begin}. Each method is a no-op once the
 * request is finished. The request context calls, in order, what applies:
 * `impersonatedUser`, `annotate` (authorization decision and reason, issued credential ids),
 * `requestObject`, `responseObject`, `responseStarted`, then `complete` (or `panic`).
 * @example
 * const a = auditor.begin(start);
 * a?.annotate('authorization.k8s.io/decision', 'allow');
 * a?.responseObject(body);
 * a?.complete(201);
 */
export class AuditRequest {
  readonly auditID: string;
  private readonly verb: string;
  private readonly requestURI: string;
  private readonly user: EventUser;
  private readonly sourceIPs: readonly string[] | undefined;
  private readonly userAgent: string | undefined;
  private readonly received: string;
  private readonly longRunning: boolean;
  private impersonated: EventUser | undefined;
  private objectRef: ObjectReference | undefined;
  private status: ResponseStatus | undefined;
  /** annotations as set; `sorted` is their key-sorted frozen copy, made again only after a change */
  private annotations: Record<string, string> | undefined;
  private sorted: Readonly<Record<string, string>> | undefined;
  private request: Snapshots | undefined;
  private response: Snapshots | undefined;
  private started = false;
  private finished = false;

  /** @internal made by {@link Auditor.begin} */
  constructor(
    private readonly clock: Clock,
    start: AuditStart,
    private readonly targets: Target[],
    /** the highest level any sink records this request at */
    readonly level: Level,
  ) {
    this.auditID = start.auditID;
    this.verb = start.attributes.verb;
    this.requestURI = sharedText(redactText(start.requestURI));
    this.user = eventUser(start.attributes.user);
    this.sourceIPs = sharedIps(start.sourceIPs);
    const ua = userAgentOf(start.userAgent);
    this.userAgent = ua === undefined ? undefined : sharedText(ua);
    this.received = microTime(start.receivedAt);
    this.longRunning = start.longRunning === true;
    this.objectRef = objectRefOf(start.attributes);
  }

  /** Whether some sink records request objects (level Request or more): callers may skip decoding for the audit alone. */
  get wantsRequestObject(): boolean {
    return levelAtLeast(this.level, 'Request');
  }

  /** `LogImpersonatedUser`: the user the request acts as. */
  impersonatedUser(u: UserInfo): void {
    if (this.finished) return;
    this.impersonated = eventUser(u);
  }

  /**
   * `AddAuditAnnotation`: the first value set for a key stays (kube-apiserver keeps it and logs
   * a warning for a different one); values are never tokens.
   */
  annotate(key: string, value: string): void {
    if (this.finished) return;
    const a = (this.annotations ??= {});
    if (Object.hasOwn(a, key)) return;
    a[key] = redactText(value);
    this.sorted = undefined;
  }

  /** The annotations as events carry them: keys sorted (Go sorts map keys), shared by the events until the next change. */
  private sortedAnnotations(): Readonly<Record<string, string>> | undefined {
    const a = this.annotations;
    if (!a) return undefined;
    if (!this.sorted) {
      const keys = Object.keys(a).sort();
      const make = () => {
        const out: Record<string, string> = {};
        for (const k of keys) out[k] = a[k]!;
        return Object.freeze(out);
      };
      // a set holding a value unique to its request (an issued credential id) is never shared
      if (Object.hasOwn(a, ANNOTATIONS.issuedCredentialId)) this.sorted = make();
      else {
        let id = '';
        for (const k of keys) id += `${k}\u0000${a[k]}\u0000`;
        this.sorted = id.length > 512 ? make() : ANNOTATION_SETS.get(id, make);
      }
    }
    return this.sorted;
  }

  /**
   * `LogRequestObject`: completes the object reference from the object's metadata (namespace,
   * name, uid, resourceVersion where the path did not say), and keeps a redacted copy for sinks
   * at level Request or more. Call it with the decoded body, before defaulting and admission.
   */
  requestObject(obj: unknown): void {
    if (this.finished || obj === undefined || obj === null) return;
    const meta = (obj as { metadata?: Record<string, unknown> }).metadata;
    if (this.objectRef && meta && typeof meta === 'object') {
      const ref = { ...this.objectRef };
      for (const k of ['namespace', 'name', 'uid', 'resourceVersion'] as const) {
        const v = meta[k];
        if (!ref[k] && typeof v === 'string' && v) ref[k] = v;
      }
      this.objectRef = orderedRef(ref);
    }
    if (this.wantsRequestObject) this.request = { source: obj };
  }

  /** `LogRequestPatch`: a patch body is the request object (JSON; anything else as text). */
  requestPatch(body: string): void {
    if (this.finished || !this.wantsRequestObject) return;
    let parsed: unknown = body;
    try {
      parsed = JSON.parse(body);
    } catch {
      // a YAML apply patch stays text
    }
    this.request = { source: parsed };
  }

  /**
   * `LogResponseObject`: a Status answer gives the response status (status, message, reason,
   * details, code); the object itself is kept for sinks at RequestResponse.
   */
  responseObject(obj: unknown): void {
    if (this.finished || obj === undefined || obj === null) return;
    if ((obj as StatusLike).kind === 'Status') this.status = responseStatusOf(obj as StatusLike);
    if (levelAtLeast(this.level, 'RequestResponse')) this.response = { source: obj };
  }

  /**
   * A JSON answer was written (api/respond.ts): an error's Status always, any other object only
   * for sinks at RequestResponse (the object is snapshotted when the event is built).
   */
  responseWritten(code: number, obj: unknown): void {
    if (code >= 400 || levelAtLeast(this.level, 'RequestResponse')) this.responseObject(obj);
  }

  /**
   * The response's status line went out (`processCode`): its code is recorded, and a
   * long-running request gets its `ResponseStarted` event now.
   */
  responseStarted(code: number): void {
    if (this.finished || this.started) return;
    this.started = true;
    this.status = this.status ? { ...this.status, code } : codeOnly(code);
    if (this.longRunning) this.emit('ResponseStarted');
  }

  /**
   * The response is done (`ResponseComplete`). Without a code and with nothing written, the
   * status is Kubernetes' `Connection closed early` success.
   */
  complete(code?: number): void {
    if (this.finished) return;
    if (code !== undefined) this.responseStarted(code);
    if (!this.status) {
      this.status = { metadata: {}, status: 'Success', message: 'Connection closed early', code: 200 };
      if (this.longRunning) this.emit('ResponseStarted');
    }
    this.emit('ResponseComplete');
    this.finished = true;
  }

  /** A handler failed unexpectedly: one `Panic` event with kube-apiserver's 500 status. */
  panic(err: unknown): void {
    if (this.finished) return;
    const text = err instanceof Error ? err.message : String(err);
    this.status = { metadata: {}, status: 'Failure', message: redactText(`APIServer panic'd: ${text}`), reason: 'InternalError', code: 500 };
    this.emit('Panic');
    this.finished = true;
  }

  /** @internal sends one stage's event to every sink that records it */
  emit(stage: Stage): void {
    const ts = stage === 'RequestReceived' ? this.received : microTime(this.clock.now());
    for (const t of this.targets) {
      if (t.config.omitStages.has(stage)) continue;
      const built = this.build(stage, ts, t.config, t.sink.lazyObjects === true);
      t.previous = t.sink.process(built.event, t.previous, built.objectChars, built.texts);
    }
  }

  /** The event at one sink's level, members in Go's order. */
  private build(stage: Stage, ts: string, c: RequestAuditConfig, lazy: boolean): { event: AuditEvent; objectChars: number; texts: number } {
    const ev: Record<string, unknown> = { kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: c.level, auditID: this.auditID, stage, requestURI: this.requestURI, verb: this.verb, user: this.user };
    if (this.impersonated) ev.impersonatedUser = this.impersonated;
    if (this.sourceIPs) ev.sourceIPs = this.sourceIPs;
    if (this.userAgent) ev.userAgent = this.userAgent;
    if (this.objectRef) ev.objectRef = this.objectRef;
    if (this.status) ev.responseStatus = this.status;
    let objectChars = 0;
    let texts = 0;
    if (levelAtLeast(c.level, 'Request') && this.request) {
      const text = snapshotFor(this.request, c.omitManagedFields);
      objectChars += text.length;
      ev.requestObject = text;
      texts |= OBJECT_TEXT.request;
    }
    if (levelAtLeast(c.level, 'RequestResponse') && this.response) {
      const text = snapshotFor(this.response, c.omitManagedFields);
      objectChars += text.length;
      ev.responseObject = text;
      texts |= OBJECT_TEXT.response;
    }
    ev.requestReceivedTimestamp = this.received;
    ev.stageTimestamp = ts;
    const annotations = this.sortedAnnotations();
    if (annotations) ev.annotations = annotations;
    const event = ev as unknown as AuditEvent;
    if (!lazy && texts) {
      readObjectTexts(event, texts);
      texts = 0;
    }
    return { event, objectChars, texts };
  }
}

/** An object reference with its members in Go's order. */
function orderedRef(r: ObjectReference): ObjectReference {
  const out: ObjectReference = {};
  for (const k of ['resource', 'namespace', 'name', 'uid', 'apiGroup', 'apiVersion', 'resourceVersion', 'subresource'] as const) if (r[k]) out[k] = r[k];
  return out;
}

/**
 * The audit sinks of one server or emulator, and the entry points a request context calls.
 * @example
 * const auditor = new Auditor({ sinks: [logSink, recorder], clock });
 * const a = auditor.begin({ attributes, auditID: auditIdOf(req.headers['audit-id']), requestURI: req.originalUrl, receivedAt: clock.now() });
 */
export class Auditor {
  private readonly sinks: AuditSink[];
  /** the clock events are stamped with */
  readonly clock: Clock;
  private readonly makeId: () => string;

  constructor(o: { sinks: readonly AuditSink[]; clock: Clock; newId?: () => string }) {
    this.sinks = [...o.sinks];
    this.clock = o.clock;
    this.makeId = o.newId ?? randomUUID;
  }

  /** A new audit ID, for a request that did not come with one (in-process requests). */
  newId(): string {
    return this.makeId();
  }

  /** Whether any sink could record anything (else a request context may skip the audit entirely). */
  get enabled(): boolean {
    return this.sinks.length > 0;
  }

  /**
   * Opens a request's audit event after authentication: each sink's policy decides its level;
   * undefined when every sink says None (nothing else is done for the request). Sends
   * `RequestReceived` to the sinks that record it.
   */
  begin(start: AuditStart): AuditRequest | undefined {
    const r = this.open(start);
    r?.emit('RequestReceived');
    return r;
  }

  /**
   * A request whose credentials were rejected (`WithFailedAuthenticationAudit`): one
   * `ResponseStarted` event, with no user and the 401 Status the client gets (and the
   * annotations stages added before authentication failed, e.g. a TokenFault's name).
   * @example
   * auditor.failedAuthentication({ ...start, attributes: { ...attributes, user: undefined } }, errors.unauthorized().toStatus());
   */
  failedAuthentication(start: AuditStart, status: StatusLike, annotations?: Readonly<Record<string, string>>): void {
    const r = this.open({ ...start, attributes: { ...start.attributes, user: undefined }, longRunning: true });
    if (!r) return;
    if (annotations) for (const [k, v] of Object.entries(annotations)) r.annotate(k, v);
    r.responseObject(status);
    r.responseStarted(status.code ?? 401);
  }

  private open(start: AuditStart): AuditRequest | undefined {
    let targets: Target[] | undefined;
    let level: Level = 'None';
    for (const sink of this.sinks) {
      const config = sink.evaluator.evaluate(start.attributes);
      if (config.level === 'None') continue;
      (targets ??= []).push({ sink, config, previous: undefined });
      level = maxLevel(level, config.level);
    }
    return targets ? new AuditRequest(this.clock, start, targets, level) : undefined;
  }

  /** Flushes and closes the sinks (the log file). */
  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close?.()));
  }
}
