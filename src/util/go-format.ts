/**
 * Go's `strconv.Quote` (what `%q` prints): a double-quoted string in which `"` and `\` are escaped,
 * printable characters (Unicode letters, marks, numbers, punctuation, symbols and the ASCII space,
 * as `unicode.IsPrint` defines them) stay as they are, and everything else is escaped the Go way
 * (`\n`, `\x00`, `\u00a0`, `\U0001f600`). The one implementation of Go's quoting in satoken:
 * error messages, the kubelet's token cache key, the downward API's `key="value"` lines.
 * @example
 * goQuote('a"b\n'); // '"a\\"b\\n"'
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else out += escapeRune(cp);
  }
  return `${out}"`;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

const NAMED: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

function escapeRune(cp: number): string {
  const named = NAMED[cp];
  if (named) return named;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  // lone surrogates are not valid runes: Go would have turned them into U+FFFD first
  if (cp >= 0xd800 && cp <= 0xdfff) return '\uFFFD';
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * `%q` of a `[]string`: `["a" "b"]`, and `[]` for an empty or missing list.
 * @example
 * goQuoteList(['', 'apps']); // '["" "apps"]'
 */
export function goQuoteList(list: readonly string[] | undefined): string {
  return `[${(list ?? []).map(goQuote).join(' ')}]`;
}

/**
 * The message of `utilerrors.NewAggregate(errs)`: one error alone as is, several as `[a, b]`
 * with duplicate messages dropped; empty for none.
 * @example
 * aggregateMessage(['x', 'y', 'x']); // '[x, y]'
 */
export function aggregateMessage(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `[${unique.join(', ')}]`;
}

/** strerror texts Go prints for the errors reading a file meets (syscall.Errno.Error). */
const GO_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};

/**
 * The *os.PathError Go reports when reading the file at `path` failed with `e`: `open <path>:
 * <strerror>`, or `read <path>: is a directory` (Go opens a directory and fails on the read);
 * undefined for an error Go would word differently.
 * @example
 * goPathError('/nope', Object.assign(new Error(), { code: 'ENOENT' })); // 'open /nope: no such file or directory'
 */
export function goPathError(path: string, e: NodeJS.ErrnoException): string | undefined {
  const text = e.code ? GO_ERRNO_TEXT[e.code] : undefined;
  if (text === undefined) return undefined;
  return `${e.code === 'EISDIR' ? 'read' : 'open'} ${path}: ${text}`;
}
