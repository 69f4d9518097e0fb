/**
 * resource.Quantity (apimachinery/pkg/api/resource): parsing, comparison, the canonical string
 * Kubernetes writes back (`0.5` → `500m`, `1024Mi` → `1Gi`), and the milli rounding of
 * SetDefaults_ResourceList. A value is kept exactly as `num × 10^exp` with a BigInt `num`.
 */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  num: bigint;
  exp: number;
  format: QuantityFormat;
}

/** The message of resource.ErrFormatWrong, as the decoder reports it. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const SPLIT = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;
const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIX).map(([s, e]) => [e, s]));
const BINARY_BY_EXP = new Map(Object.entries(BINARY_SUFFIX).map(([s, e]) => [e, s]));

/** ParseQuantity; undefined where Go answers ErrFormatWrong (or ErrSuffix). A JSON number is read as its text. */
export function parseQuantity(input: unknown): Quantity | undefined {
  const text = typeof input === 'number' && Number.isFinite(input) ? numberText(input) : input;
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  const m = SPLIT.exec(s);
  if (!s || !m) return undefined;
  const [, sign, whole = '', frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) return undefined;
  let num = BigInt((whole || '0') + frac);
  let exp = -frac.length;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIX) {
    format = 'DecimalSI';
    exp += DECIMAL_SUFFIX[suffix]!;
  } else if (suffix in BINARY_SUFFIX) {
    format = 'BinarySI';
    num *= 1n << BigInt(BINARY_SUFFIX[suffix]!);
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent';
    const e = Number(suffix.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1000) return undefined;
    exp += e;
  } else {
    return undefined;
  }
  if (sign === '-') num = -num;
  const q = normalize({ num, exp, format });
  // values below one are never shown in binary units
  if (q.format === 'BinarySI' && cmpQuantity(abs(q), { num: 1n, exp: 0, format: 'DecimalSI' }) < 0) q.format = 'DecimalSI';
  return q;
}

function numberText(n: number): string {
  return Number.isInteger(n) ? BigInt(n).toString() : String(n).replace('e+', 'e');
}

function abs(q: Quantity): Quantity {
  return { ...q, num: q.num < 0n ? -q.num : q.num };
}

/** Strips trailing decimal zeros from the mantissa. */
function normalize(q: Quantity): Quantity {
  let { num, exp } = q;
  if (num === 0n) return { num: 0n, exp: 0, format: q.format };
  while (num % 10n === 0n) {
    num /= 10n;
    exp += 1;
  }
  return { num, exp, format: q.format };
}

/** Quantity.Cmp. */
export function cmpQuantity(a: Quantity, b: Quantity): number {
  const e = Math.min(a.exp, b.exp);
  const x = a.num * 10n ** BigInt(a.exp - e);
  const y = b.num * 10n ** BigInt(b.exp - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isNegative(q: Quantity): boolean {
  return q.num < 0n;
}

/** RoundUp(scale): the value rounded away from zero to `10^scale` (SetDefaults_ResourceList uses -3). */
export function roundUp(q: Quantity, scale = -3): Quantity {
  if (q.exp >= scale) return q;
  const div = 10n ** BigInt(scale - q.exp);
  let n = q.num / div;
  if (q.num % div !== 0n) n += q.num < 0n ? -1n : 1n;
  return normalize({ num: n, exp: scale, format: q.format });
}

/** `value.MilliValue() % 1000 == 0`: whether an integer resource's value is whole. */
export function isWhole(q: Quantity): boolean {
  const r = roundUp(q, -3);
  return r.exp >= 0 || r.num % 10n ** BigInt(-r.exp) === 0n;
}

/** Quantity.String(): the canonical form Kubernetes serializes. */
export function quantityString(q: Quantity): string {
  if (q.num === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = cmpQuantity(abs(q), { num: 1024n, exp: 0, format: 'DecimalSI' }) < 0;
    if (small || q.exp < 0) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let value = q.num * 10n ** BigInt(q.exp);
    let times = 0;
    while (value !== 0n && value % 1024n === 0n && times < 6) {
      value /= 1024n;
      times++;
    }
    return `${value}${BINARY_BY_EXP.get(times * 10) ?? ''}`;
  }
  let { num, exp } = normalize(q);
  const r = ((exp % 3) + 3) % 3;
  if (r !== 0) {
    num *= 10n ** BigInt(r);
    exp -= r;
  }
  if (format === 'DecimalExponent') return exp === 0 ? `${num}` : `${num}e${exp}`;
  const suffix = DECIMAL_BY_EXP.get(exp);
  return suffix !== undefined ? `${num}${suffix}` : `${num}e${exp}`;
}
