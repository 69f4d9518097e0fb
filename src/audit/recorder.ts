/**
 * The request recorder: the audit events of the last requests, in memory, for test suites
 * (`emulator.requests`) and for `satoken audit` following a live server.
 * - One entry per request: a later stage of the same request replaces its entry in place (a
 *   watch shows as `ResponseStarted` until it ends).
 * - Bounded by count (default 10,000) and by approximate size (default 64 MiB): the oldest
 *   entries go first, and `evicted` counts them.
 * - Its own policy (default {@link DEFAULT_RECORDER_POLICY}); events are the log's Events,
 *   tokens redacted the same way.
 */
import { PolicyEvaluator } from './policy-evaluator.js';
import { snapshotSizes } from './redact.js';
import { type Criterion, type RequestFilter, compileFilter } from './request-filter.js';
import type { AuditSink } from './auditor.js';
import type { AuditEvent, Policy } from './types.js';

/**
 * What the recorder keeps when no policy is given: TokenRequests with their request and
 * response (the token redacted), so that a token's lineage has its audiences and binding; every
 * other request at Metadata; one entry per request (RequestReceived omitted).
 */
export const DEFAULT_RECORDER_POLICY: Policy = {
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'RequestResponse', resources: [{ group: '', resources: ['serviceaccounts/token'] }] },
    { level: 'Metadata' },
  ],
};

export const DEFAULT_MAX_EVENTS = 10_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface RecorderOptions {
  /** entries kept at most (default 10,000) */
  maxEvents?: number;
  /** approximate bytes kept at most (default 64 MiB) */
  maxBytes?: number;
  /** which requests are recorded, at which level (default {@link DEFAULT_RECORDER_POLICY}) */
  policy?: Policy;
}

interface Entry {
  event: AuditEvent;
  size: number;
  /** order of first recording, for followers */
  seq: number;
  live: boolean;
}

const str = (s: string | undefined) => (s ? 2 * s.length + 16 : 0);
const list = (l: readonly string[] | undefined) => (l ? 32 + l.reduce((n, s) => n + str(s), 0) : 0);

/** An estimate of the heap an event holds: its members, strings at two bytes a character, and its object snapshots. */
export function eventSize(ev: AuditEvent): number {
  let n = 400 + str(ev.auditID) + str(ev.requestURI) + str(ev.userAgent) + list(ev.sourceIPs);
  for (const u of [ev.user, ev.impersonatedUser]) {
    if (!u) continue;
    n += 64 + str(u.username) + str(u.uid) + list(u.groups);
    for (const [k, v] of Object.entries(u.extra ?? {})) n += str(k) + list(v);
  }
  if (ev.objectRef) for (const v of Object.values(ev.objectRef)) n += 16 + str(v);
  if (ev.responseStatus) n += 96 + str(ev.responseStatus.message) + (ev.responseStatus.details ? 256 : 0);
  for (const [k, v] of Object.entries(ev.annotations ?? {})) n += 32 + str(k) + str(v);
  for (const o of [ev.requestObject, ev.responseObject]) if (typeof o === 'object' && o !== null) n += 3 * (snapshotSizes.get(o) ?? 1024);
  return n;
}

/**
 * A bounded ring of recorded requests, and an {@link AuditSink}.
 * @example
 * const recorder = new RequestRecorder({ maxEvents: 1000 });
 * recorder.list({ serviceAccount: 'default/app', verb: 'get' });
 */
export class RequestRecorder implements AuditSink {
  readonly evaluator: PolicyEvaluator;
  readonly maxEvents: number;
  readonly maxBytes: number;
  private ring: Array<Entry | undefined>;
  private head = 0;
  private held = 0;
  private heldBytes = 0;
  private evictedCount = 0;
  private seq = 0;
  private readonly followers = new Set<(ev: AuditEvent) => void>();

  constructor(o: RecorderOptions = {}) {
    this.maxEvents = positiveInteger('maxEvents', o.maxEvents ?? DEFAULT_MAX_EVENTS);
    this.maxBytes = positiveInteger('maxBytes', o.maxBytes ?? DEFAULT_MAX_BYTES);
    this.evaluator = new PolicyEvaluator(o.policy ?? DEFAULT_RECORDER_POLICY);
    this.ring = new Array<Entry | undefined>(Math.min(this.maxEvents, 1024));
  }

  /** @internal the auditor's call: a new entry, or the request's entry replaced */
  process(event: AuditEvent, previous: unknown): unknown {
    const size = eventSize(event);
    const prev = previous as Entry | undefined;
    let entry: Entry;
    if (prev?.live) {
      this.heldBytes += size - prev.size;
      prev.event = event;
      prev.size = size;
      entry = prev;
    } else {
      entry = { event, size, seq: ++this.seq, live: true };
      this.push(entry);
    }
    this.trim();
    for (const f of this.followers) f(event);
    return entry;
  }

  private push(entry: Entry): void {
    if (this.held === this.ring.length && this.ring.length < this.maxEvents) this.grow();
    if (this.held === this.ring.length) this.evictOldest();
    this.ring[(this.head + this.held) % this.ring.length] = entry;
    this.held++;
    this.heldBytes += entry.size;
  }

  /** Doubles the ring (up to maxEvents), keeping the order. */
  private grow(): void {
    const next = new Array<Entry | undefined>(Math.min(this.maxEvents, this.ring.length * 2));
    for (let i = 0; i < this.held; i++) next[i] = this.ring[(this.head + i) % this.ring.length];
    this.ring = next;
    this.head = 0;
  }

  private evictOldest(): void {
    const e = this.ring[this.head]!;
    e.live = false;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.held--;
    this.heldBytes -= e.size;
    this.evictedCount++;
  }

  /** Drops the oldest entries while over a bound (the newest always stays). */
  private trim(): void {
    while (this.held > 1 && (this.held > this.maxEvents || this.heldBytes > this.maxBytes)) this.evictOldest();
  }

  private *entries(): Generator<Entry> {
    for (let i = 0; i < this.held; i++) yield this.ring[(this.head + i) % this.ring.length]!;
  }

  /**
   * The recorded requests matching `filter`, oldest first (at most `limit`, the newest ones).
   * Throws a RequestFilterError for a malformed filter.
   * @example
   * emu.requests.list({ jti: issued.jti }); // every request made with that token
   */
  list(filter?: RequestFilter, limit?: number): AuditEvent[] {
    const criteria = compileFilter(filter);
    const out: AuditEvent[] = [];
    for (const e of this.entries()) if (matches(criteria, e.event)) out.push(e.event);
    return limit !== undefined && out.length > limit ? out.slice(out.length - limit) : out;
  }

  /** The oldest recorded request matching `filter`. */
  first(filter?: RequestFilter): AuditEvent | undefined {
    const criteria = compileFilter(filter);
    for (const e of this.entries()) if (matches(criteria, e.event)) return e.event;
    return undefined;
  }

  /** The newest recorded request matching `filter`. */
  last(filter?: RequestFilter): AuditEvent | undefined {
    const criteria = compileFilter(filter);
    for (let i = this.held - 1; i >= 0; i--) {
      const ev = this.ring[(this.head + i) % this.ring.length]!.event;
      if (matches(criteria, ev)) return ev;
    }
    return undefined;
  }

  /** How many recorded requests match `filter`. */
  count(filter?: RequestFilter): number {
    return filter === undefined ? this.held : this.list(filter).length;
  }

  /** Forgets every recorded request (what was evicted stays counted). */
  clear(): void {
    for (const e of this.entries()) e.live = false;
    this.ring.fill(undefined);
    this.head = 0;
    this.held = 0;
    this.heldBytes = 0;
  }

  /** Recorded requests held now. */
  get size(): number {
    return this.held;
  }

  /** The approximate bytes held now. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Requests dropped to stay within the bounds since the recorder started. */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Calls `fn` with each event as it is recorded (new or replacing its request's entry). Returns an unsubscribe function. */
  follow(fn: (ev: AuditEvent) => void): () => void {
    this.followers.add(fn);
    return () => this.followers.delete(fn);
  }

  [Symbol.iterator](): Iterator<AuditEvent> {
    return this.list()[Symbol.iterator]();
  }
}

function matches(criteria: readonly Criterion[], ev: AuditEvent): boolean {
  for (const c of criteria) if (!c.test(ev)) return false;
  return true;
}

function positiveInteger(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`recorder ${name} must be a positive integer, got ${v}`);
  return v;
}
