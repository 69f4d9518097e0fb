import { goQuote } from '../../util/go-format.js';

/**
 * The values whose JSON form Go checks with its own code, with Go's messages:
 * - metav1.Time and metav1.MicroTime (`time.Parse` with RFC 3339, seconds or microseconds);
 * - resource.Quantity (`ParseQuantity`);
 * - []byte (`encoding/base64` StdEncoding, as encoding/json decodes byte slices).
 * Each returns the canonical form Go writes back, or throws a {@link GoValueError}.
 */

/** A value Go's own unmarshaler refuses, with its message. */
export class GoValueError extends Error {
  override readonly name = 'GoValueError';
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses a metav1.Time (`micro` false) or metav1.MicroTime string as Go's time.Parse does with
 * RFC3339 / RFC3339Micro, and renders it as Kubernetes writes it back: UTC, seconds (Time) or
 * microseconds (MicroTime).
 * @example
 * parseGoTime('2024-01-01T02:00:00+02:00', false); // '2024-01-01T00:00:00Z'
 * parseGoTime('2024-13-01T00:00:00Z', false); // throws: parsing time "2024-13-01T00:00:00Z": month out of range
 */
export function parseGoTime(value: string, micro: boolean): string {
  const layout = micro ? RFC3339_MICRO : RFC3339;
  const cannot = (rest: string, elem: string) => new GoValueError(`parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(rest)} as ${goQuote(elem)}`);
  const outOfRange = (what: string) => new GoValueError(`parsing time ${goQuote(value)}: ${what} out of range`);
  let rest = value;
  const digits = (n: number, elem: string): number => {
    if (rest.length < n || !/^\d+$/.test(rest.slice(0, n))) throw cannot(rest, elem);
    const v = Number(rest.slice(0, n));
    rest = rest.slice(n);
    return v;
  };
  const literal = (s: string) => {
    if (!rest.startsWith(s)) throw cannot(rest, s);
    rest = rest.slice(s.length);
  };
  const year = digits(4, '2006');
  literal('-');
  const month = digits(2, '01');
  if (month < 1 || month > 12) throw outOfRange('month');
  literal('-');
  const day = digits(2, '02');
  if (day < 1 || day > 31) throw outOfRange('day');
  literal('T');
  const hour = digits(2, '15');
  if (hour > 23) throw outOfRange('hour');
  literal(':');
  const minute = digits(2, '04');
  if (minute > 59) throw outOfRange('minute');
  literal(':');
  const second = digits(2, '05');
  if (second > 59) throw outOfRange('second');
  let nanos = 0;
  if (micro) {
    if (rest[0] !== '.' || !/^\.\d{6}/.test(rest)) throw cannot(rest, '.000000');
    nanos = Number(rest.slice(1, 7)) * 1000;
    rest = rest.slice(7);
  } else if (rest[0] === '.' && /^\.\d/.test(rest)) {
    const m = /^\.(\d+)/.exec(rest)!;
    nanos = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
    rest = rest.slice(m[0].length);
  }
  let offsetMinutes = 0;
  if (rest[0] === 'Z') rest = rest.slice(1);
  else {
    const m = /^([+-])(\d{2}):(\d{2})/.exec(rest);
    if (!m) throw cannot(rest, 'Z07:00');
    if (Number(m[2]) > 23 || Number(m[3]) > 59) throw new GoValueError(`parsing time ${goQuote(value)}: time zone offset out of range`);
    offsetMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    rest = rest.slice(6);
  }
  if (rest.length) throw new GoValueError(`parsing time ${goQuote(value)}: extra text: ${goQuote(rest)}`);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > DAYS[month - 1]! || (month === 2 && day === 29 && !leap)) throw outOfRange('day');
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  d.setTime(d.getTime() - offsetMinutes * 60_000);
  const y = d.getUTCFullYear();
  const base = `${String(y).padStart(4, '0')}${d.toISOString().slice(d.toISOString().indexOf('-', 1))}`;
  return micro ? `${base.slice(0, 19)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base.slice(0, 19)}Z`;
}

const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);

/**
 * Checks a resource.Quantity as `resource.ParseQuantity` does (apimachinery
 * pkg/api/resource/quantity.go): `ErrFormatWrong`, `ErrNumeric`, `ErrSuffix`. Returns the text
 * (satoken keeps the client's spelling; Kubernetes writes a canonical form back).
 * @example
 * parseQuantity('500m'); // '500m'
 * parseQuantity('5x'); // throws: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
 */
export function parseQuantity(text: string): string {
  const s = text.trim();
  if (s.length === 0) throw new GoValueError('quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'');
  const m = QUANTITY_RE.exec(s);
  if (!m) throw new GoValueError('quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'');
  const num = m[1]!.replace(/^[+-]/, '');
  if ((num.match(/\./g) ?? []).length > 1 || num === '.' || !/\d/.test(num)) throw new GoValueError('unable to parse numeric part of quantity');
  const suffix = m[2]!;
  if (!SUFFIXES.has(suffix) && !/^[eE][-+]?\d+$/.test(suffix)) throw new GoValueError("unable to parse quantity's suffix");
  return s;
}

const B64 = new Int16Array(256).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) B64[c.charCodeAt(0)] = i;

/**
 * Decodes standard padded base64 as Go's base64.StdEncoding does (CR and LF are skipped), and
 * returns the canonical encoding Go writes back; a bad byte is `illegal base64 data at input byte N`.
 * @example
 * canonicalBase64('aGk='); // 'aGk='
 * canonicalBase64('aGk'); // throws: illegal base64 data at input byte 0
 */
export function canonicalBase64(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const corrupt = (at: number) => new GoValueError(`illegal base64 data at input byte ${at}`);
  let si = 0;
  const n = bytes.length;
  while (si < n) {
    // one quantum of four characters; `j` counts those read
    let j = 0;
    let pad = false;
    for (; j < 4; j++) {
      while (si < n && (bytes[si] === 0x0a || bytes[si] === 0x0d)) si++;
      if (si === n) {
        if (j === 0) break;
        throw corrupt(si - j);
      }
      const c = bytes[si]!;
      si++;
      if (c === 0x3d) {
        // padding: only in place 2 or 3 of a quantum, `==` or `=`, then nothing but CR/LF
        if (j < 2) throw corrupt(si - 1);
        if (j === 2) {
          while (si < n && (bytes[si] === 0x0a || bytes[si] === 0x0d)) si++;
          if (si === n) throw corrupt(n);
          if (bytes[si] !== 0x3d) throw corrupt(si - 1);
          si++;
        }
        while (si < n && (bytes[si] === 0x0a || bytes[si] === 0x0d)) si++;
        if (si < n) throw corrupt(si);
        pad = true;
        break;
      }
      if (B64[c]! < 0) throw corrupt(si - 1);
    }
    if (pad || j < 4) break;
  }
  return Buffer.from(text.replace(/[\r\n]/g, ''), 'base64').toString('base64');
}
