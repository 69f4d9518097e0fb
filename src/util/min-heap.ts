/**
 * A binary min-heap ordered by a numeric priority (ties: insertion order). Used wherever
 * satoken waits for the earliest of many deadlines (token expiry in the binding registry,
 * timers of the manual clock) so that cost per operation is O(log n), never a scan.
 * @example
 * const h = new MinHeap<string>(); h.push(5, 'b'); h.push(1, 'a'); h.pop(); // 'a'
 */
export class MinHeap<T> {
  private items: Array<{ p: number; seq: number; v: T }> = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(priority: number, value: T): void {
    this.items.push({ p: priority, seq: this.seq++, v: value });
    this.up(this.items.length - 1);
  }

  peekPriority(): number | undefined {
    return this.items[0]?.p;
  }

  peek(): T | undefined {
    return this.items[0]?.v;
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (!top) return undefined;
    const last = this.items.pop()!;
    if (this.items.length) {
      this.items[0] = last;
      this.down(0);
    }
    return top.v;
  }

  private less(i: number, j: number): boolean {
    const a = this.items[i]!;
    const b = this.items[j]!;
    return a.p < b.p || (a.p === b.p && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const t = this.items[i]!;
    this.items[i] = this.items[j]!;
    this.items[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}
