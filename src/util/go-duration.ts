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

const MAX_DURATION = (1n << 63n) - 1n;

/**
 * Go's time.ParseDuration, step by step so that its errors are Go's: `time: invalid duration`
 * (no number where one must start, a sign alone, overflow), `time: missing unit in duration`
 * and `time: unknown unit "<u>" in duration`.
 * @example
 * parseGoDuration('1h30m'); // 5400000000000n
 */
export function parseGoDuration(input: string): bigint {
  const orig = goTimeQuote(input);
  const invalid = () => new Error(`time: invalid duration ${orig}`);
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]!))) throw invalid();
    const whole = /^\d*/.exec(s)![0];
    s = s.slice(whole.length);
    let frac = '';
    let post = false;
    if (s[0] === '.') {
      frac = /^\d*/.exec(s.slice(1))![0];
      s = s.slice(1 + frac.length);
      post = frac.length > 0;
    }
    if (whole === '' && !post) throw invalid();
    let i = 0;
    while (i < s.length && s[i] !== '.' && !isDigit(s[i]!)) i++;
    if (i === 0) throw new Error(`time: missing unit in duration ${orig}`);
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${goTimeQuote(u)} in duration ${orig}`);
    total += BigInt(whole || '0') * unit;
    if (frac) total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    if (total > MAX_DURATION) throw invalid();
  }
  return neg ? -total : total;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** The time package's own quote: `"` and `\\` escaped, control and non-ASCII bytes as \xNN. */
function goTimeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c >= 0x80) for (const b of Buffer.from(ch, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `${out}"`;
}
