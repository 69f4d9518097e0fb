import { isStatusError } from '../errors/index.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import type { KubeObject } from '../registry/types.js';
import { type ActiveFault, TOKEN_FAULTS } from './active-faults.js';

/** Conflicts retried per write before giving up (each one means another replica wrote between our read and write). */
const MAX_ATTEMPTS = 50;

function matchedOf(o: KubeObject): number {
  const m = (o.status as { matched?: unknown } | undefined)?.matched;
  return typeof m === 'number' && Number.isFinite(m) && m > 0 ? m : 0;
}

interface Pending {
  name: string;
  uid: string;
  /** applications counted here and not yet written */
  unwritten: number;
  /** being written now */
  writing: number;
  /** a flush is queued */
  scheduled: boolean;
}

/**
 * `status.matched` of the TokenFaults, written back through the status subresource with the
 * object's resourceVersion as precondition, so that no count is lost when replicas on one etcd
 * (or requests on one replica) count at once: a write that loses the race (409 Conflict) reads
 * the object again from the store and adds its increment to what won.
 * - a fault with `times` is claimed before it acts: the claim is the increment, refused once
 *   `matched` reached `times`, so the replicas together apply it exactly `times` times;
 * - a fault without `times` acts at once; its increments are coalesced and written behind, one
 *   write per fault at a time (the count never goes backwards, nor is any increment lost).
 * Writes of one fault are serialised on this replica, so they conflict only across replicas.
 * @example
 * const counter = new MatchCounter(objects, (name, err) => logger.warn({ name, err }));
 * if (await counter.claim(fault)) act();
 */
export class MatchCounter {
  private readonly pending = new Map<string, Pending>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly objects: ObjectRegistry,
    private readonly onError: (fault: string, err: unknown) => void = () => undefined,
  ) {}

  /**
   * Takes one of a limited fault's `times`: true when this request may act, false when they are
   * used up or the fault is gone (deleted, or replaced by another of the same name).
   */
  claim(f: ActiveFault): Promise<boolean> {
    const times = f.times ?? Number.POSITIVE_INFINITY;
    return this.serialise(f.name, async () => {
      try {
        return (await this.write(f.name, f.uid, (m) => (m < times ? m + 1 : undefined))) !== undefined;
      } catch (e) {
        this.onError(f.name, e);
        return false;
      }
    });
  }

  /** Counts one application of a fault without `times`; the count is written behind. */
  count(f: ActiveFault): void {
    let p = this.pending.get(f.name);
    if (!p || p.uid !== f.uid) this.pending.set(f.name, (p = { name: f.name, uid: f.uid, unwritten: 0, writing: 0, scheduled: false }));
    p.unwritten++;
    if (!p.scheduled) {
      p.scheduled = true;
      void this.serialise(f.name, () => this.flush(p));
    }
  }

  /** `status.matched` as this replica knows it: stored, plus what it counted and has not written yet. */
  matched(f: Pick<ActiveFault, 'name' | 'uid' | 'stored'>): number {
    const p = this.pending.get(f.name);
    return f.stored + (p && p.uid === f.uid ? p.unwritten + p.writing : 0);
  }

  /** Resolves when every count made so far is written (or given up on). */
  async idle(): Promise<void> {
    while (this.queues.size) await Promise.allSettled([...this.queues.values()]);
  }

  private async flush(p: Pending): Promise<void> {
    p.scheduled = false;
    if (p.unwritten === 0) return;
    const name = p.name;
    const by = p.unwritten;
    p.unwritten = 0;
    p.writing = by;
    try {
      await this.write(name, p.uid, (m) => m + by);
    } catch (e) {
      // the store is unavailable: keep the increments for the next write
      p.unwritten += by;
      this.onError(name, e);
    } finally {
      p.writing = 0;
      if (p.unwritten === 0 && this.pending.get(name) === p) this.pending.delete(name);
    }
  }

  /**
   * Read-modify-write of `status.matched` with the resourceVersion as precondition: the first
   * read from the cache, each retry after a conflict from the store. Resolves to the value
   * written, or undefined when `next` declines or the fault is gone.
   */
  private async write(name: string, uid: string, next: (matched: number) => number | undefined): Promise<number | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let current: KubeObject | undefined;
      try {
        current = attempt === 0 ? this.objects.peek(TOKEN_FAULTS, undefined, name) : await this.objects.getLive(TOKEN_FAULTS, undefined, name);
      } catch (e) {
        if (isStatusError(e) && e.code === 404) return undefined;
        throw e;
      }
      if (!current || current.metadata.uid !== uid) return undefined;
      const value = next(matchedOf(current));
      if (value === undefined) return undefined;
      try {
        await this.objects.updateStatus(TOKEN_FAULTS, '', name, { ...current, status: { ...(current.status as object | undefined), matched: value } });
        return value;
      } catch (e) {
        if (isStatusError(e) && e.code === 409) continue;
        if (isStatusError(e) && e.code === 404) return undefined;
        throw e;
      }
    }
    throw new Error(`status.matched of tokenfault ${name}: still conflicting after ${MAX_ATTEMPTS} attempts`);
  }

  /** Runs `job` after every earlier job of the same fault. */
  private serialise<T>(name: string, job: () => Promise<T>): Promise<T> {
    const before = this.queues.get(name) ?? Promise.resolve();
    const run = before.then(job, job);
    const tail = run.catch(() => undefined);
    this.queues.set(name, tail);
    void tail.then(() => {
      if (this.queues.get(name) === tail) this.queues.delete(name);
    });
    return run;
  }
}
