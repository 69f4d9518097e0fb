/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): per family a `# HELP` and a
 * `# TYPE` line, then one `name{label="value",...} value` line per series. Only counters are
 * needed here, so only counters are offered.
 *
 * Why not prom-client (issue 13 asked for it unless it costs the review path more than 2 %): it
 * costs the library's cache-hit TokenReview 8–13 %. Every hit counts one valid token twice
 * (`serviceaccount_valid_tokens_total` and its per-service-account series); prom-client hashes
 * and validates the labels on every `inc` (its `labels()` child too), where {@link Counter.child}
 * keeps a handle on the series. Measured on 2 shared cores (load average ~15), the same commit
 * with this module and with a prom-client TokenMetrics:
 * - `npm run bench -- --only review`, run in each tree in turn (before, after, before, after),
 *   twice: cache hit 433,044 and 416,497/CPU-s by hand, 377,048 and 383,423/CPU-s with
 *   prom-client; hit/raw verify per CPU-s 9.5× and 9.8× by hand, 8.9× and 8.5× with prom-client.
 *   The uncached review was unchanged (0.51–0.55 of raw verify in both).
 * - both trees in one process (`emu.reviewToken` cache hit, bench/lib/measure `alternate`, 500 ms
 *   rounds): prom-client/hand-written per CPU-s, median of per-round ratios, 0.906 (31 rounds)
 *   and 0.867 (21 rounds); the same script with one tree on both sides gives 0.985.
 * - `npm run bench -- --only http` moved more between runs of one tree (express baseline
 *   1,279–4,505/CPU-s) than any 2 % could show.
 * prom-client's text would also differ: a blank line between families, series in insertion
 * order, and `metrics()` is async (the library's `metrics.render()` is not).
 */
import { compareGoStrings } from '../util/go-strings.js';

/** The `Content-Type` of the text format, as Prometheus' client libraries send it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** HELP text escapes backslash and newline. */
function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label values escape backslash, double quote and newline. */
function escapeLabelValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * A counter family: a metric name, its help, its label names, and one monotonically increasing
 * value per combination of label values.
 * @example
 * const c = new Counter('requests_total', 'Requests served.', ['code']);
 * c.inc({ code: '200' });
 * c.render(); // '# HELP requests_total Requests served.\n# TYPE requests_total counter\nrequests_total{code="200"} 1\n'
 */
export class Counter<L extends string = never> {
  private readonly series = new Map<string, { labels: Record<string, string>; value: number }>();
  private readonly sortedLabelNames: readonly string[];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[] = [],
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new TypeError(`invalid metric name ${name}`);
    this.sortedLabelNames = [...labelNames].sort(compareGoStrings);
  }

  /** Adds `by` (default 1, never negative) to the series of these label values. */
  inc(labels: Record<L, string> = {} as Record<L, string>, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`a counter only goes up, got ${by}`);
    this.seriesOf(labels).value += by;
  }

  /**
   * A handle on the series of these label values, for hot paths: its `inc` skips building the
   * series key. The series appears (at its first increment) as with {@link inc}.
   * @example
   * const ok = c.child({ code: '200' });
   * ok.inc();
   */
  child(labels: Record<L, string>): { inc(by?: number): void } {
    let s: { value: number } | undefined;
    return {
      inc: (by = 1) => {
        if (!(by >= 0)) throw new RangeError(`a counter only goes up, got ${by}`);
        (s ??= this.seriesOf(labels)).value += by;
      },
    };
  }

  private seriesOf(labels: Record<L, string>): { labels: Record<string, string>; value: number } {
    const key = this.keyOf(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels: Object.fromEntries(this.labelNames.map((n) => [n, labels[n] ?? ''])), value: 0 }));
    return s;
  }

  /** The series key: label values, each followed by NUL; JSON (which never ends in NUL) when a value holds NUL. */
  private keyOf(labels: Record<L, string>): string {
    let key = '';
    for (const n of this.labelNames) {
      const v = labels[n] ?? '';
      if (v.includes('\u0000')) return JSON.stringify(this.labelNames.map((m) => labels[m] ?? ''));
      key += `${v}\u0000`;
    }
    return key;
  }

  /** The value of one series (0 when never incremented). */
  get(labels: Record<L, string> = {} as Record<L, string>): number {
    return this.series.get(this.keyOf(labels))?.value ?? 0;
  }

  /**
   * client_golang's series order (`internal.MetricSorter`): label values compared in the order
   * of their label names, as Go compares strings.
   */
  private compareSeries(a: Record<string, string>, b: Record<string, string>): number {
    for (const n of this.sortedLabelNames) {
      const c = compareGoStrings(a[n]!, b[n]!);
      if (c !== 0) return c;
    }
    return 0;
  }

  /** The family in the text format. An unlabelled counter shows 0 before its first increment. */
  render(): string {
    let out = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} counter\n`;
    if (this.labelNames.length === 0 && this.series.size === 0) return `${out}${this.name} 0\n`;
    const rows = [...this.series.values()].sort((a, b) => this.compareSeries(a.labels, b.labels));
    for (const s of rows) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
      out += `${this.name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatValue(s.value)}\n`;
    }
    return out;
  }
}

/** Integers print without a decimal point; others as JavaScript prints them. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  return String(v);
}

/**
 * Renders several families into one exposition body.
 * @example
 * res.type(PROMETHEUS_CONTENT_TYPE).send(renderFamilies([requests, errors]));
 */
export function renderFamilies(families: ReadonlyArray<{ render(): string }>): string {
  return families.map((f) => f.render()).join('');
}
