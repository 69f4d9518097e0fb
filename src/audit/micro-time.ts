/**
 * `metav1.MicroTime` as it is written to JSON: RFC 3339 in UTC with exactly six fractional
 * digits (`2006-01-02T15:04:05.000000Z07:00`). satoken's clock counts milliseconds, so the last
 * three digits are those of a fractional millisecond when the clock gives one, else zeros.
 * @example
 * microTime(Date.parse('2024-06-06T10:15:42.123Z')); // '2024-06-06T10:15:42.123000Z'
 */
export function microTime(ms: number): string {
  // the events of one millisecond share one string (a recorder keeps thousands of them)
  if (ms === lastMs) return lastText;
  lastMs = ms;
  return (lastText = format(ms));
}

let lastMs = Number.NaN;
let lastText = '';

function format(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.round((ms - whole) * 1000));
  // the text up to the second changes once a second: it is formatted once for all the events in it
  const second = Math.floor(whole / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  return `${cachedPrefix}${DIGITS3[whole - second * 1000]}${DIGITS3[micros]}Z`;
}

let cachedSecond = Number.NaN;
let cachedPrefix = '';
const DIGITS3 = Array.from({ length: 1000 }, (_, i) => i.toString().padStart(3, '0'));

/**
 * Milliseconds since the epoch of a MicroTime (or any RFC 3339) string, with the microseconds
 * kept as a fraction; NaN when it is not a time.
 * @example
 * parseMicroTime('2024-06-06T10:15:42.123456Z'); // 1717668942123.456
 */
export function parseMicroTime(s: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return Number.NaN;
  const base = Date.parse(`${m[1]}${m[3]}`);
  const frac = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return base + frac;
}

/**
 * Go's `time.RFC3339Nano` of a MicroTime string: trailing zeros of the fraction dropped, and the
 * dot with them when nothing is left (the legacy log format writes times this way).
 * @example
 * rfc3339Nano('2024-06-06T10:15:42.120000Z'); // '2024-06-06T10:15:42.12Z'
 */
export function rfc3339Nano(micro: string): string {
  return micro.replace(/\.(\d*?)0+Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}
