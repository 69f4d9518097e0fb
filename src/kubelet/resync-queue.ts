import type { Clock, TimerHandle } from '../clock/index.js';
import { MinHeap } from '../util/min-heap.js';

interface Entry {
  key: string;
  gen: number;
}

/**
 * One due time per key, driven by a single clock timer over a min-heap, so that scheduling,
 * rescheduling and firing cost O(log n) however many pods a node runs. Rescheduling or cancelling
 * leaves the old heap entry behind as stale (skipped when popped; the heap is rebuilt when stale
 * entries outnumber live ones). Keys that fall due together are handed over in due order.
 * @example
 * const q = new ResyncQueue(clock, (podUid) => void syncPod(podUid));
 * q.schedule('pod-uid', clock.now() + 60_000);
 */
export class ResyncQueue {
  private heap = new MinHeap<Entry>();
  private readonly due = new Map<string, { at: number; gen: number }>();
  private gen = 0;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (key: string) => void,
  ) {}

  /** Keys waiting. */
  get size(): number {
    return this.due.size;
  }

  /** Sets (or moves) the key's due time; a past time fires at the next timer turn. */
  schedule(key: string, at: number): void {
    if (this.stopped) return;
    const gen = ++this.gen;
    this.due.set(key, { at, gen });
    this.heap.push(at, { key, gen });
    this.compactIfSparse();
    if (at < this.timerAt) this.arm(at);
  }

  /** Forgets the key's due time, if any. */
  cancel(key: string): void {
    if (this.due.delete(key)) this.compactIfSparse();
  }

  /** The key's due time, if scheduled. */
  dueAt(key: string): number | undefined {
    return this.due.get(key)?.at;
  }

  /** Cancels everything and the timer; later `schedule` calls are ignored. */
  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.due.clear();
    this.heap = new MinHeap();
  }

  private arm(at: number): void {
    this.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, at - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    const ready: string[] = [];
    while (this.heap.size && this.heap.peekPriority()! <= now) {
      const { key, gen } = this.heap.pop()!;
      if (this.due.get(key)?.gen !== gen) continue;
      this.due.delete(key);
      ready.push(key);
    }
    this.armForTop();
    for (const key of ready) this.onDue(key);
  }

  /** Arms the timer for the earliest live entry (a real clock may also wake early: then nothing is due). */
  private armForTop(): void {
    while (this.heap.size && this.due.get(this.heap.peek()!.key)?.gen !== this.heap.peek()!.gen) this.heap.pop();
    const top = this.heap.peekPriority();
    if (top !== undefined && !this.stopped) this.arm(top);
  }

  private compactIfSparse(): void {
    if (this.heap.size <= 64 || this.heap.size <= 2 * this.due.size) return;
    const heap = new MinHeap<Entry>();
    for (const [key, { at, gen }] of this.due) heap.push(at, { key, gen });
    this.heap = heap;
  }
}
