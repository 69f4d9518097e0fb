/**
 * resource.Quantity (apimachinery pkg/api/resource/quantity.go): parsing, comparison and the
 * canonical string a server writes back (`1.5Gi` → `1536Mi`, `0.5` → `500m`, `1000` → `1k`).
 * Values are held exactly as a count of nano-units (a BigInt), rounded up below 1n, as
 * Kubernetes rounds.
 */

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NANO = 10n ** 9n;

export interface Quantity {
  /** the value in nano-units */
  nanos: bigint;
  format: 'BinarySI' | 'DecimalSI' | 'DecimalExponent';
}

/**
 * ParseQuantity. Throws an Error with Kubernetes' message when the text is not a quantity.
 * @example
 * parseQuantity('1.5Gi').nanos; // 1610612736000000000n
 */
export function parseQuantity(text: string): Quantity {
  const m = QUANTITY_RE.exec(text.trim() === text ? text : '');
  if (!m) throw new Error(QUANTITY_FORMAT_ERROR);
  const [, num, suffix] = m as unknown as [string, string, string];
  const numberMatch = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(num);
  if (!numberMatch || (numberMatch[2] === '' && (numberMatch[3] ?? '') === '')) throw new Error(QUANTITY_FORMAT_ERROR);
  const negative = numberMatch[1] === '-';
  const whole = numberMatch[2] || '0';
  const frac = numberMatch[3] ?? '';
  // the number as an integer over 10^frac.length
  const digits = BigInt(whole + frac);
  const scale = frac.length;
  let format: Quantity['format'];
  let num10 = digits;
  let den10 = 10n ** BigInt(scale);
  if (suffix in BINARY) {
    format = 'BinarySI';
    num10 *= 2n ** BigInt(BINARY[suffix]!);
  } else if (suffix in DECIMAL) {
    format = 'DecimalSI';
    const e = DECIMAL[suffix]!;
    if (e >= 0) num10 *= 10n ** BigInt(e);
    else den10 *= 10n ** BigInt(-e);
  } else if (/^[eE][-+]?\d+$/.test(suffix)) {
    format = 'DecimalExponent';
    const e = Number(suffix.slice(1));
    if (Math.abs(e) > 1000) throw new Error('unable to parse quantity\'s suffix');
    if (e >= 0) num10 *= 10n ** BigInt(e);
    else den10 *= 10n ** BigInt(-e);
  } else {
    throw new Error("unable to parse quantity's suffix");
  }
  // to nanos, rounding up (away from zero) what is below a nano-unit
  const scaled = num10 * NANO;
  let nanos = scaled / den10;
  if (scaled % den10 !== 0n) nanos += 1n;
  return { nanos: negative ? -nanos : nanos, format };
}

/**
 * The canonical string of a quantity (Quantity.String()).
 * @example
 * canonicalQuantity('1.5Gi'); // '1536Mi'
 * canonicalQuantity('0.5'); // '500m'
 */
export function canonicalQuantity(text: string): string {
  return formatQuantity(parseQuantity(text));
}

export function formatQuantity(q: Quantity): string {
  const sign = q.nanos < 0n ? '-' : '';
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  if (abs === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI' && abs < NANO) format = 'DecimalSI';
  if (format === 'BinarySI') {
    // fractions round up to a whole unit, then the largest power of 1024 that divides it
    let units = abs / NANO + (abs % NANO === 0n ? 0n : 1n);
    const names = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    let i = 0;
    while (i < names.length - 1 && units % 1024n === 0n && units !== 0n) {
      units /= 1024n;
      i++;
    }
    return `${sign}${units}${names[i]}`;
  }
  // decimal: the largest exponent (a multiple of 3) that leaves a whole mantissa
  let exponent = -9;
  let mantissa = abs;
  while (mantissa % 1000n === 0n && (format === 'DecimalExponent' || exponent < 18)) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (format === 'DecimalExponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  const suffix = Object.entries(DECIMAL).find(([, e]) => e === exponent)![0];
  return `${sign}${mantissa}${suffix}`;
}

/**
 * Compares two quantities: negative, zero or positive.
 * @example
 * compareQuantities('1Gi', '1000Mi') > 0; // true
 */
export function compareQuantities(a: string, b: string): number {
  const x = parseQuantity(a).nanos;
  const y = parseQuantity(b).nanos;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** MilliValue() % 1000 == 0: the value is a whole number (what integer resources require). */
export function isWholeQuantity(text: string): boolean {
  const nanos = parseQuantity(text).nanos;
  const milli = nanos / 1_000_000n + (nanos % 1_000_000n > 0n ? 1n : 0n);
  return milli % 1000n === 0n;
}
