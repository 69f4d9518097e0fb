import type pino from 'pino';
import type { Clock } from '../clock/index.js';
import type { Counter } from '../metrics/exposition.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import { type ActiveFault, ActiveFaults, type FaultRequest, matches } from './active-faults.js';
import { MatchCounter } from './match-counter.js';
import type { AppliedFault, FaultReporter, FaultTarget } from '../registry/kinds/token-fault.js';

export type { AppliedFault, FaultReporter };

export type FaultMetricLabels = 'fault' | 'action' | 'target';

export interface FaultInjectorOptions {
  objects: ObjectRegistry;
  clock: Clock;
  /** `satoken_token_faults_applied_total{fault,action,target}` */
  applied: Counter<FaultMetricLabels>;
  logger?: pino.Logger | undefined;
}

/**
 * The one decision every target's hook asks for (review-faults.ts, issue-faults.ts,
 * fault-stage.ts): which TokenFault, if any, acts on this request. For each fault of the
 * target, in name order, whose match the request meets:
 * - without `times`: it acts; its count is written behind;
 * - with `times`: it acts if it can claim one of them (a conditional write of
 *   `status.matched`, so that every replica together applies it exactly `times` times); one
 *   whose times are used up is passed over;
 * and when one acts, `satoken_token_faults_applied_total` counts it and the reporter is told.
 * Synchronous unless a claim is needed; free when no fault targets the request's kind.
 * @example
 * const injector = new FaultInjector({ objects, clock, applied: metrics.faultsApplied });
 * injector.start();
 * const f = await injector.apply('review', { namespace: 'default', serviceAccount: 'app', audiences: ['vault'] });
 */
export class FaultInjector {
  readonly clock: Clock;
  private readonly faults: ActiveFaults;
  private readonly counter: MatchCounter;
  private readonly applied: Counter<FaultMetricLabels>;

  constructor(o: FaultInjectorOptions) {
    this.clock = o.clock;
    this.faults = new ActiveFaults(o.objects);
    this.counter = new MatchCounter(o.objects, (fault, err) => o.logger?.warn({ fault, err: String(err) }, 'could not write status.matched of a TokenFault'));
    this.applied = o.applied;
  }

  start(): void {
    this.faults.start();
  }

  stop(): void {
    this.faults.stop();
  }

  /** Whether any fault targets `target` (the hooks' fast path). */
  has(target: FaultTarget): boolean {
    return this.faults.of(target).length > 0;
  }

  /**
   * The fault that acts on this request, or undefined. `accepts` passes over faults that cannot
   * act on this particular request (a jwks reject on the discovery document).
   */
  apply(target: FaultTarget, request: FaultRequest, report?: FaultReporter, accepts?: (f: ActiveFault) => boolean): AppliedFault | undefined | Promise<AppliedFault | undefined> {
    return this.from(this.faults.of(target), 0, request, report, accepts);
  }

  /** How many requests a fault has changed, as this replica knows it (its own unwritten counts included). */
  matched(name: string): number | undefined {
    const f = this.faults.get(name);
    return f ? this.counter.matched(f) : undefined;
  }

  /** Resolves when every count is written. */
  idle(): Promise<void> {
    return this.counter.idle();
  }

  private from(list: readonly ActiveFault[], start: number, request: FaultRequest, report: FaultReporter | undefined, accepts: ((f: ActiveFault) => boolean) | undefined): AppliedFault | undefined | Promise<AppliedFault | undefined> {
    for (let i = start; i < list.length; i++) {
      const f = list[i]!;
      if (!matches(f, request) || (accepts && !accepts(f))) continue;
      if (f.times === undefined) {
        this.counter.count(f);
        return this.acted(f, report);
      }
      if (f.stored >= f.times) continue;
      return this.counter.claim(f).then((ok) => (ok ? this.acted(f, report) : this.from(list, i + 1, request, report, accepts)));
    }
    return undefined;
  }

  private acted(f: ActiveFault, report: FaultReporter | undefined): AppliedFault {
    const a: AppliedFault = { name: f.name, target: f.target, action: f.action, reason: f.reason, code: f.code, delayMs: f.delayMs };
    this.applied.inc({ fault: f.name, action: f.action, target: f.target });
    report?.(a);
    return a;
  }
}
