/**
 * Go's `%q` and `utilerrors.NewAggregate` formatting, which Kubernetes' authorization messages
 * are built from. Internal to the authorizer package.
 */

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };

/**
 * `strconv.Quote` for the strings authorization messages carry: backslash escapes for quotes,
 * backslashes and control characters; printable text as is.
 * @example
 * goQuote('a"b'); // '"a\\"b"'
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = ESCAPES[ch];
    if (esc) out += esc;
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
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
 * The message of `utilerrors.NewAggregate(errs)`: one error alone as is, several as
 * `[a, b]` with duplicate messages dropped; empty for none.
 * @example
 * aggregateMessage(['x', 'y', 'x']); // '[x, y]'
 */
export function aggregateMessage(messages: readonly string[]): string {
  if (messages.length === 0) return '';
  if (messages.length === 1) return messages[0]!;
  const seen = [...new Set(messages)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}
