/** pino's own members of a line, which pino-pretty prints in its own place or not at all */
const OWN_KEYS = new Set(['level', 'time', 'pid', 'hostname']);
/**
 * Characters a terminal would act on (C0 and C1 controls, which include ESC and CSI) or that
 * reorder what is shown (Unicode line separators, bidi overrides and isolates). Request paths
 * and user names come from clients: printed raw, they could rewrite the terminal.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** one plain word: shown bare as a field's value */
const PLAIN = /^[\u0021-\u007e\u00a1-\u1fff\u200b-\u2027\u202f-\u2065\u206a-\uffff]+$/;

/**
 * A string as it may be shown on a terminal: unsafe characters as `\uXXXX`.
 * @example
 * printable('a\u001b[2Jb'); // 'a\\u001b[2Jb'
 */
export function printable(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A field's value: bare when it is one plain word, else JSON (quoted, escaped). */
function value(v: unknown): string {
  if (typeof v === 'string') return PLAIN.test(v) && !/["=\\]/.test(v) ? v : printable(JSON.stringify(v));
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return printable(JSON.stringify(v) ?? String(v));
}

/** An error's stack, when the field is one (`{ message, stack }` or an Error pino serialised). */
function stackOf(v: unknown): string | undefined {
  const stack = v && typeof v === 'object' ? (v as { stack?: unknown }).stack : undefined;
  return typeof stack === 'string' ? stack : undefined;
}

/**
 * The message part of a readable log line (pino-pretty's `messageFormat`; it adds the time and
 * the level before it):
 * - a request line: `GET /api/v1/namespaces 200 1.8ms kubernetes-admin`, then any other field;
 * - any other line: the message, then each field as `key=value`;
 * - an error field with a stack: its message as a field, the stack on the lines below.
 * UNSAFE characters of any value or message are escaped, so a client cannot write to the terminal.
 * @example
 * formatLogLine({ msg: 'request', method: 'GET', path: '/version', status: 200, latencyMs: 1.84, user: 'admin' }, 'msg');
 * // 'GET /version 200 1.8ms admin'
 */
export function formatLogLine(log: Record<string, unknown>, messageKey = 'msg'): string {
  const fields = Object.entries(log).filter(([k, v]) => !OWN_KEYS.has(k) && k !== messageKey && v !== undefined);
  const msg = typeof log[messageKey] === 'string' ? printable(log[messageKey]) : '';
  const parts: string[] = [];
  let rest = fields;
  if (msg === 'request' && typeof log.method === 'string' && typeof log.path === 'string') {
    const latency = typeof log.latencyMs === 'number' ? `${log.latencyMs.toFixed(1)}ms` : undefined;
    parts.push(value(log.method), value(log.path), String(log.status ?? '-'), ...(latency ? [latency] : []), ...(typeof log.user === 'string' ? [value(log.user)] : []));
    rest = fields.filter(([k]) => !['method', 'path', 'status', 'latencyMs', 'user'].includes(k));
  } else if (msg) parts.push(msg);
  const stacks: string[] = [];
  for (const [k, v] of rest) {
    const stack = stackOf(v);
    if (stack) {
      const message = (v as { message?: unknown }).message;
      parts.push(`${k}=${value(typeof message === 'string' ? message : stack.split('\n')[0])}`);
      stacks.push(...stack.split('\n').slice(1).map((l) => `    ${printable(l.trim())}`));
    } else parts.push(`${k}=${value(v)}`);
  }
  return [parts.join(' '), ...stacks].join('\n');
}
