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
import { type Criterion, type RequestFilter, compileFilter } from './request-filter.js';
import { type AuditSink, readObjectTexts } from './auditor.js';
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

const str = (s: string | undefined) => (s ? 2 * s.length + 16 : 0);
const list = (l: readonly string[] | undefined) => (l ? 32 + l.reduce((n, s) => n + str(s), 0) : 0);

/** An estimate of the heap an event holds: its members, strings at two bytes a character, and its object snapshots. */
export function eventSize(ev: AuditEvent, objectChars = 0): number {
  let n = 400 + str(ev.auditID) + str(ev.requestURI) + str(ev.userAgent) + list(ev.sourceIPs) + userSize(ev.user);
  if (ev.impersonatedUser) n += userSize(ev.impersonatedUser);
  const ref = ev.objectRef;
  if (ref) n += 128 + str(ref.namespace) + str(ref.name) + str(ref.uid);
  if (ev.responseStatus) n += 96 + str(ev.responseStatus.message) + (ev.responseStatus.details ? 256 : 0);
  const a = ev.annotations;
  if (a) for (const k in a) n += 32 + str(k) + str(a[k]);
  // object text: kept as a string until read, then also as objects (about three times the text)
  n += 4 * objectChars;
  return n;
}

function userSize(u: AuditEvent['user']): number {
  let n = 64 + str(u.username) + str(u.uid) + list(u.groups);
  const extra = u.extra;
  if (extra) for (const k in extra) n += str(k) + list(extra[k]);
  return n;
}

/**
 * The recorded requests as the library hands them out (`emulator.requests`).
 * @example
 * emu.requests.list({ serviceAccount: 'default/app', code: '4xx' });
 */
export interface RecordedRequests extends Iterable<AuditEvent> {
  /** the matching requests, oldest first (at most `limit`, the newest); a malformed filter throws */
  list(filter?: RequestFilter, limit?: number): AuditEvent[];
  first(filter?: RequestFilter): AuditEvent | undefined;
  last(filter?: RequestFilter): AuditEvent | undefined;
  count(filter?: RequestFilter): number;
  /** forgets every recorded request */
  clear(): void;
  /** requests held now */
  readonly size: number;
  /** requests dropped to stay within the bounds */
  readonly evicted: number;
  /** calls `fn` with each event as it is recorded; returns the unsubscribe function */
  follow(fn: (ev: AuditEvent) => void): () => void;
}

/**
 * A bounded ring of recorded requests, and an {@link AuditSink}.
 * @example
 * const recorder = new RequestRecorder({ maxEvents: 1000 });
 * recorder.list({ serviceAccount: 'default/app', verb: 'get' });
 */
export class RequestRecorder implements AuditSink, RecordedRequests {
  readonly evaluator: PolicyEvaluator;
  /** kept events hold their objects as redacted text until a test reads them */
  readonly lazyObjects = true;
  readonly maxEvents: number;
  readonly maxBytes: number;
  // A ring of events with their sizes beside them. Entries are numbered in the order they were
  // added (`firstSeq` is the oldest held); the number is what a request gets back to replace its
  // entry later. No wrapper object per entry: each retained object costs the garbage collector.
  private events: Array<AuditEvent | undefined>;
  private sizes: Float64Array;
  /** per entry, which of its objects are still their JSON text (parsed when the entry is first read) */
  private texts: Uint8Array;
  private head = 0;
  private held = 0;
  private firstSeq = 0;
  private heldBytes = 0;
  private evictedCount = 0;
  private readonly followers = new Set<(ev: AuditEvent) => void>();

  constructor(o: RecorderOptions = {}) {
    this.maxEvents = positiveInteger('maxEvents', o.maxEvents ?? DEFAULT_MAX_EVENTS);
    this.maxBytes = positiveInteger('maxBytes', o.maxBytes ?? DEFAULT_MAX_BYTES);
    this.evaluator = new PolicyEvaluator(o.policy ?? DEFAULT_RECORDER_POLICY);
    const initial = Math.min(this.maxEvents, 1024);
    this.events = new Array<AuditEvent | undefined>(initial);
    this.sizes = new Float64Array(initial);
    this.texts = new Uint8Array(initial);
  }

  /** The event in a ring slot, its objects parsed from their text on the first read. */
  private at(slot: number): AuditEvent {
    const ev = this.events[slot]!;
    const texts = this.texts[slot]!;
    if (texts) {
      readObjectTexts(ev, texts);
      this.texts[slot] = 0;
    }
    return ev;
  }

  /** The ring slot of entry number `seq`, if it is still held. */
  private slotOf(seq: unknown): number | undefined {
    if (typeof seq !== 'number' || seq < this.firstSeq || seq >= this.firstSeq + this.held) return undefined;
    return (this.head + (seq - this.firstSeq)) % this.events.length;
  }

  /** @internal the auditor's call: a new entry, or the request's entry replaced; returns the entry's number */
  process(event: AuditEvent, previous: unknown, objectChars = 0, texts = 0): unknown {
    const size = eventSize(event, objectChars);
    let seq: number;
    let slot = this.slotOf(previous);
    if (slot !== undefined) {
      this.heldBytes += size - this.sizes[slot]!;
      this.events[slot] = event;
      this.sizes[slot] = size;
      this.texts[slot] = texts;
      seq = previous as number;
    } else {
      seq = this.push(event, size, texts);
      slot = this.slotOf(seq)!;
    }
    if (this.followers.size) {
      const ev = this.at(slot);
      for (const f of this.followers) f(ev);
    }
    this.trim();
    return seq;
  }

  private push(event: AuditEvent, size: number, texts: number): number {
    if (this.held === this.events.length && this.events.length < this.maxEvents) this.grow();
    if (this.held === this.events.length) this.evictOldest();
    const slot = (this.head + this.held) % this.events.length;
    this.events[slot] = event;
    this.sizes[slot] = size;
    this.texts[slot] = texts;
    this.held++;
    this.heldBytes += size;
    return this.firstSeq + this.held - 1;
  }

  /** Doubles the ring (up to maxEvents), keeping the order. */
  private grow(): void {
    const len = Math.min(this.maxEvents, this.events.length * 2);
    const events = new Array<AuditEvent | undefined>(len);
    const sizes = new Float64Array(len);
    const texts = new Uint8Array(len);
    for (let i = 0; i < this.held; i++) {
      const from = (this.head + i) % this.events.length;
      events[i] = this.events[from];
      sizes[i] = this.sizes[from]!;
      texts[i] = this.texts[from]!;
    }
    this.events = events;
    this.sizes = sizes;
    this.texts = texts;
    this.head = 0;
  }

  private evictOldest(): void {
    this.events[this.head] = undefined;
    this.texts[this.head] = 0;
    this.heldBytes -= this.sizes[this.head]!;
    this.head = (this.head + 1) % this.events.length;
    this.held--;
    this.firstSeq++;
    this.evictedCount++;
  }

  /** Drops the oldest entries while over a bound (the newest always stays). */
  private trim(): void {
    while (this.held > 1 && (this.held > this.maxEvents || this.heldBytes > this.maxBytes)) this.evictOldest();
  }

  /** The slots held, oldest first (filters read no object, so walking them parses nothing). */
  private *slots(): Generator<number> {
    for (let i = 0; i < this.held; i++) yield (this.head + i) % this.events.length;
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
    for (const slot of this.slots()) if (matches(criteria, this.events[slot]!)) out.push(this.at(slot));
    return limit !== undefined && out.length > limit ? out.slice(out.length - limit) : out;
  }

  /** The oldest recorded request matching `filter`. */
  first(filter?: RequestFilter): AuditEvent | undefined {
    const criteria = compileFilter(filter);
    for (const slot of this.slots()) if (matches(criteria, this.events[slot]!)) return this.at(slot);
    return undefined;
  }

  /** The newest recorded request matching `filter`. */
  last(filter?: RequestFilter): AuditEvent | undefined {
    const criteria = compileFilter(filter);
    for (let i = this.held - 1; i >= 0; i--) {
      const slot = (this.head + i) % this.events.length;
      if (matches(criteria, this.events[slot]!)) return this.at(slot);
    }
    return undefined;
  }

  /** How many recorded requests match `filter`. */
  count(filter?: RequestFilter): number {
    return filter === undefined ? this.held : this.list(filter).length;
  }

  /** Forgets every recorded request (what was evicted stays counted). */
  clear(): void {
    this.events.fill(undefined);
    this.texts.fill(0);
    this.firstSeq += this.held;
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
