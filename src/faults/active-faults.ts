import { kindInfo } from '../registry/kinds.js';
import { TESTING_GROUP } from '../registry/kinds/testing.js';
import type { ObjectRegistry, RegistryEvent } from '../registry/object-registry.js';
import type { KubeObject } from '../registry/types.js';
import { FAULT_TARGETS, type FaultAction, type FaultTarget, TARGET_ACTIONS, type TokenFault } from '../registry/kinds/token-fault.js';
import { delayMs } from '../registry/validation/token-fault.js';

export const TOKEN_FAULTS = kindInfo('TokenFault', TESTING_GROUP)!;

/** A TokenFault as the injectors use it: its spec read once, its match ready to test. */
export interface ActiveFault {
  readonly name: string;
  readonly uid: string;
  readonly target: FaultTarget;
  readonly action: FaultAction;
  readonly match: FaultMatch;
  readonly reason: string | undefined;
  /** the HTTP status of `error` (500 unless the spec says) */
  readonly code: number;
  readonly delayMs: number;
  /** undefined: in force until deleted */
  readonly times: number | undefined;
  /** `status.matched` as this replica last saw it */
  readonly stored: number;
}

export interface FaultMatch {
  readonly namespace?: string;
  readonly serviceAccount?: string;
  readonly audiences?: ReadonlySet<string>;
  readonly credentialId?: string;
}

/** What a request offers to match against: the token's (review) or the TokenRequest's (issue) identity. */
export interface FaultRequest {
  namespace?: string | undefined;
  serviceAccount?: string | undefined;
  /** the requested audiences (a review's spec, else the API audiences; a TokenRequest's spec, else the API audiences) */
  audiences: readonly string[];
  credentialId?: string | undefined;
}

const NONE: readonly ActiveFault[] = Object.freeze([]);

/**
 * Whether a fault applies to a request: every field its match gives must match, an omitted one
 * matches anything; audiences match when the two lists share one.
 * @example
 * matches(fault, { namespace: 'default', serviceAccount: 'build-robot', audiences: ['vault'] });
 */
export function matches(f: ActiveFault, r: FaultRequest): boolean {
  const m = f.match;
  if (m.namespace !== undefined && m.namespace !== r.namespace) return false;
  if (m.serviceAccount !== undefined && m.serviceAccount !== r.serviceAccount) return false;
  if (m.credentialId !== undefined && m.credentialId !== r.credentialId) return false;
  if (m.audiences !== undefined && !r.audiences.some((a) => m.audiences!.has(a))) return false;
  return true;
}

/** A stored TokenFault as an {@link ActiveFault}; undefined when it cannot act (another replica's store may hold anything). */
export function compileFault(o: KubeObject): ActiveFault | undefined {
  const spec = (o as TokenFault).spec as Partial<TokenFault['spec']> | undefined;
  if (!spec || typeof spec !== 'object') return undefined;
  const target = spec.target as FaultTarget;
  const action = spec.action as FaultAction;
  if (!(FAULT_TARGETS as readonly string[]).includes(target) || !TARGET_ACTIONS[target].includes(action)) return undefined;
  const m = spec.match && typeof spec.match === 'object' ? spec.match : {};
  const match: { -readonly [K in keyof FaultMatch]: FaultMatch[K] } = {};
  if (typeof m.namespace === 'string' && m.namespace) match.namespace = m.namespace;
  if (typeof m.serviceAccount === 'string' && m.serviceAccount) match.serviceAccount = m.serviceAccount;
  if (Array.isArray(m.audiences) && m.audiences.length) match.audiences = new Set(m.audiences.filter((a): a is string => typeof a === 'string'));
  if (typeof m.credentialId === 'string' && m.credentialId) match.credentialId = m.credentialId;
  const matched = (o as TokenFault).status?.matched;
  return Object.freeze({
    name: o.metadata.name ?? '',
    uid: o.metadata.uid ?? '',
    target,
    action,
    match: Object.freeze(match),
    reason: typeof spec.reason === 'string' && spec.reason ? spec.reason : undefined,
    code: typeof spec.code === 'number' ? spec.code : 500,
    delayMs: action === 'delay' ? delayMs(spec.delay) : 0,
    times: typeof spec.times === 'number' && spec.times > 0 ? spec.times : undefined,
    stored: typeof matched === 'number' && matched > 0 ? matched : 0,
  });
}

/**
 * The TokenFaults of one control plane, per target, kept from the registry's synchronous event
 * stream: a fault written through any replica acts here as soon as this replica's watch brings
 * it (before the write returns, for a write made here). Faults are tried in name order.
 * @example
 * const faults = new ActiveFaults(objects); faults.start();
 * faults.of('review'); // [] until a TokenFault targets reviews
 */
export class ActiveFaults {
  private readonly byName = new Map<string, ActiveFault>();
  private byTarget = new Map<FaultTarget, readonly ActiveFault[]>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly objects: ObjectRegistry) {}

  start(): void {
    for (const o of this.objects.list(TOKEN_FAULTS, undefined).items) this.put(o);
    this.rebuild();
    this.unsubscribe = this.objects.onEvent((e) => this.observe(e));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** The faults of a target, in name order (a shared, frozen array: empty when there are none). */
  of(target: FaultTarget): readonly ActiveFault[] {
    return this.byTarget.get(target) ?? NONE;
  }

  /** A fault by name, as last seen. */
  get(name: string): ActiveFault | undefined {
    return this.byName.get(name);
  }

  private observe(e: RegistryEvent): void {
    if (e.resource !== TOKEN_FAULTS) return;
    if (e.type === 'DELETED') this.byName.delete(e.object.metadata.name ?? '');
    else this.put(e.object);
    this.rebuild();
  }

  private put(o: KubeObject): void {
    const f = compileFault(o);
    if (f) this.byName.set(f.name, f);
    else this.byName.delete(o.metadata.name ?? '');
  }

  private rebuild(): void {
    const next = new Map<FaultTarget, ActiveFault[]>();
    const names = [...this.byName.keys()].sort();
    for (const n of names) {
      const f = this.byName.get(n)!;
      let list = next.get(f.target);
      if (!list) next.set(f.target, (list = []));
      list.push(f);
    }
    this.byTarget = new Map([...next].map(([t, l]) => [t, Object.freeze(l)]));
  }
}
