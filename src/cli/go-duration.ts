/**
 * Go's time.ParseDuration, returning nanoseconds as a bigint (kubectl's `--duration` is a Go
 * duration): `600s`, `1h30m`, `1.5h`, `-2m`, `0`.
 */
const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

export function parseGoDuration(input: string): bigint {
  const bad = () => new Error(`time: invalid duration ${JSON.stringify(input)}`);
  let s = input;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw bad();
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (s.length) {
    const m = re.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw new Error(m ? bad().message : `time: ${/^[\d.]+$/.test(s) ? 'missing unit in' : 'unknown unit in'} duration ${JSON.stringify(input)}`);
    const unit = UNITS[m[3]!]!;
    total += BigInt(m[1] || '0') * unit;
    const frac = m[2] ?? '';
    if (frac) total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    s = s.slice(m[0].length);
  }
  return neg ? -total : total;
}
