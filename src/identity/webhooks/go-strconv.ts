import { goQuote } from '../../util/go-format.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** The error `strconv.ParseInt` and `strconv.ParseBool` return, with Go's message. */
export class GoNumError extends Error {
  override readonly name = 'GoNumError';
}

/**
 * Go's `strconv.ParseInt(s, 10, 64)`: an optional sign, then decimal digits only (no spaces, no
 * underscores), within int64. Throws {@link GoNumError} with Go's message:
 * `strconv.ParseInt: parsing "<s>": invalid syntax` or `...: value out of range`.
 * @example
 * parseGoInt64('+3600'); // 3600n
 */
export function parseGoInt64(s: string): bigint {
  const fail = (why: string) => new GoNumError(`strconv.ParseInt: parsing ${goQuote(s)}: ${why}`);
  if (!/^[+-]?[0-9]+$/.test(s)) throw fail('invalid syntax');
  const n = BigInt(s);
  if (n > INT64_MAX || n < INT64_MIN) throw fail('value out of range');
  return n;
}

/**
 * Go's `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`; anything else
 * throws `strconv.ParseBool: parsing "<s>": invalid syntax`.
 * @example
 * parseGoBool('True'); // true
 */
export function parseGoBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new GoNumError(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

/**
 * The first record of Go's `csv.NewReader(strings.NewReader(s)).Read()` with the reader's
 * defaults (comma `,`, no comment character, `LazyQuotes` false, leading spaces kept), or
 * undefined where Go returns an error:
 * - empty lines before the record are skipped; no record at all is `io.EOF`;
 * - an unquoted field containing `"` is `ErrBareQuote`;
 * - a quoted field may hold commas, newlines and `""` (one quote); anything but a comma or the
 *   end of the line after its closing quote, or no closing quote, is `ErrQuote`;
 * - `\r\n` ends a line as `\n` does.
 * @example
 * readFirstCsvRecord('init-first,"side,car"'); // ['init-first', 'side,car']
 */
export function readFirstCsvRecord(s: string): string[] | undefined {
  const text = s.replace(/\r\n/g, '\n');
  let i = 0;
  while (text[i] === '\n') i++;
  if (i >= text.length) return undefined;
  const fields: string[] = [];
  for (;;) {
    if (text[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return undefined;
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
          continue;
        }
        break;
      }
      fields.push(field);
      if (i >= text.length || text[i] === '\n') return fields;
      if (text[i] !== ',') return undefined;
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
    const field = text.slice(i, end);
    if (field.includes('"')) return undefined;
    fields.push(field);
    if (end >= text.length || text[end] === '\n') return fields;
    i = end + 1;
  }
}
