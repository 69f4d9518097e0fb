/**
 * Timing helpers. Every rate is reported twice: per wall-clock second, and per CPU second of the
 * process doing the work (`process.cpuUsage`, all threads: main, libuv pool, GC). The second is the
 * "per core" figure the goals of issue 7 speak of, and it is far steadier than wall time on a
 * machine shared with other jobs. Subject and baseline run in alternating rounds (A B B A ...), and
 * ratios are the median of per-round ratios, so slow drifts of the machine cancel.
 */

export interface Rate {
  ops: number;
  wallS: number;
  cpuS: number;
  /** operations per wall-clock second */
  perS: number;
  /** operations per CPU second of this process */
  perCpuS: number;
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

function rateOf(ops: number, wallS: number, cpuS: number): Rate {
  return { ops, wallS, cpuS, perS: ops / wallS, perCpuS: ops / Math.max(cpuS, 1e-6) };
}

/** Runs a synchronous operation in a loop for `ms` milliseconds (checking the time every 8 calls). */
export function loopSync(fn: () => unknown, ms: number): Rate {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  let ops = 0;
  do {
    for (let i = 0; i < 8; i++) fn();
    ops += 8;
  } while (performance.now() < end);
  const wallS = (performance.now() - t0) / 1000;
  return rateOf(ops, wallS, cpuSeconds(process.cpuUsage(c0)));
}

/** Runs an asynchronous operation for `ms` milliseconds with `concurrency` callers, each awaiting its call. */
export async function loopAsync(fn: () => Promise<unknown>, ms: number, concurrency = 1): Promise<Rate> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + ms;
  let ops = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await fn();
        ops++;
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  return rateOf(ops, wallS, cpuSeconds(process.cpuUsage(c0)));
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile (0..1) by nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export interface Series {
  name: string;
  rounds: Rate[];
  /** median of the rounds' per-wall-second rates */
  perS: number;
  /** median of the rounds' per-CPU-second rates */
  perCpuS: number;
}

export type Runner = () => Rate | Promise<Rate>;

/**
 * Runs each contestant once per round, in an order that alternates (ABC, CBA, ABC, ...), after
 * one unmeasured warm-up round.
 */
export async function alternate(contestants: ReadonlyArray<{ name: string; run: Runner }>, rounds: number, warmup = true): Promise<Series[]> {
  const results = contestants.map((c) => ({ name: c.name, rounds: [] as Rate[] }));
  if (warmup) for (const c of contestants) await c.run();
  for (let r = 0; r < rounds; r++) {
    const order = contestants.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) results[i]!.rounds.push(await contestants[i]!.run());
  }
  return results.map((s) => ({ ...s, perS: median(s.rounds.map((x) => x.perS)), perCpuS: median(s.rounds.map((x) => x.perCpuS)) }));
}

/** Median over rounds of `a / b`, per CPU second (default) or per wall second. */
export function ratio(a: Series, b: Series, by: 'cpu' | 'wall' = 'cpu'): number {
  const f = (r: Rate) => (by === 'cpu' ? r.perCpuS : r.perS);
  return median(a.rounds.map((r, i) => f(r) / f(b.rounds[i]!)));
}

/** Sleeps on the real clock (benchmarks only: satoken's own code takes its time from a Clock). */
export function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}
