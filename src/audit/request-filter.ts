/**
 * Which recorded requests a query means: the library's `emulator.requests.list(filter)`, the
 * assertion helper, the admin endpoint's query string and `satoken audit`'s flags all read one
 * {@link RequestFilter}, checked here once with one clear message per mistake.
 */
import { parseMicroTime } from './micro-time.js';
import { type AuditEvent, CREDENTIAL_ID_EXTRA, STAGES, type Stage } from './types.js';

/** A query over recorded requests: every criterion given must hold. */
export interface RequestFilter {
  /** the authenticated user's name, or the name of the user it impersonated */
  user?: string;
  /** `<namespace>/<name>` or `system:serviceaccount:<namespace>:<name>` */
  serviceAccount?: string;
  /** the credential the request was made with (KEP-4193): `JTI=<jti>`, `X509SHA256=<hex>` */
  credentialId?: string;
  /** the `jti` of the service-account token the request was made with (`credentialId: 'JTI=<jti>'`) */
  jti?: string;
  /** the Kubernetes verb (`get`, `list`, `create`, ...), or any of several */
  verb?: string | readonly string[];
  /** `pods`, `serviceaccounts/token` (a subresource), `pods/*` (pods and their subresources); a non-resource path (`/healthz`) */
  resource?: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  /** the response code: `403`, a class (`'4xx'`), or a range (`[400, 499]`, `'400-499'`) */
  code?: number | string | readonly [number, number];
  /** received at or after (a Date, epoch milliseconds or RFC 3339) */
  since?: Date | number | string;
  /** received before */
  until?: Date | number | string;
  stage?: Stage;
  auditID?: string;
  /** an audit annotation: its key, or `key=value` */
  annotation?: string;
}

/** A filter that is not one: unknown member, wrong type, malformed value. */
export class RequestFilterError extends Error {
  override readonly name = 'RequestFilterError';
}

export const FILTER_KEYS = ['annotation', 'apiGroup', 'auditID', 'code', 'credentialId', 'jti', 'name', 'namespace', 'resource', 'serviceAccount', 'since', 'stage', 'until', 'user', 'verb'] as const;
const MAX_TEXT = 1024;
const MAX_VERBS = 32;

/** One criterion of a compiled filter: its name and value (for messages) and its test. */
export interface Criterion {
  name: string;
  value: string;
  test(ev: AuditEvent): boolean;
  /** what the event has where this criterion looks (for "closest request" messages) */
  actual(ev: AuditEvent): string;
}

const fail = (msg: string): never => {
  throw new RequestFilterError(msg);
};

function text(key: string, v: unknown): string {
  if (typeof v !== 'string') fail(`request filter "${key}" must be a string, got ${describeType(v)}`);
  const s = v as string;
  if (s === '') fail(`request filter "${key}" must not be empty`);
  if (s.length > MAX_TEXT) fail(`request filter "${key}" is longer than ${MAX_TEXT} characters`);
  return s;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** A time bound as epoch milliseconds. */
function time(key: string, v: unknown): number {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) fail(`request filter "${key}" is an invalid Date`);
    return v.getTime();
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(`request filter "${key}" must be a finite number of milliseconds, got ${v}`);
    return v;
  }
  const s = text(key, v);
  const ms = /^\d{4}-\d\d-\d\dT/.test(s) ? parseMicroTime(s) : Number.NaN;
  if (Number.isNaN(ms)) fail(`request filter "${key}": ${JSON.stringify(s)} is not an RFC 3339 time (like 2024-06-06T10:15:42Z)`);
  return ms;
}

/** A code criterion as an inclusive range. */
function codeRange(v: unknown): [number, number] {
  const valid = (n: number) => Number.isInteger(n) && n >= 100 && n <= 599;
  if (typeof v === 'number') {
    if (!valid(v)) fail(`request filter "code" must be an HTTP status code (100-599), got ${v}`);
    return [v, v];
  }
  if (Array.isArray(v)) {
    if (v.length !== 2 || !v.every((n) => typeof n === 'number' && valid(n)) || v[0] > v[1]) fail('request filter "code" as a range must be [min, max] with HTTP status codes, min <= max');
    return [v[0] as number, v[1] as number];
  }
  const s = text('code', v);
  let m = /^([1-5])xx$/i.exec(s);
  if (m) return [Number(m[1]) * 100, Number(m[1]) * 100 + 99];
  m = /^(\d{3})(?:-(\d{3}))?$/.exec(s);
  if (m) return codeRange(m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])]);
  return fail(`request filter "code" must be a status code (403), a class (4xx) or a range (400-499), got ${JSON.stringify(s)}`);
}

function serviceAccountUser(v: unknown): string {
  const s = text('serviceAccount', v);
  const m = /^system:serviceaccount:([^:/]+):([^:/]+)$/.exec(s) ?? /^([^:/]+)\/([^:/]+)$/.exec(s);
  if (!m) fail(`request filter "serviceAccount" must be "<namespace>/<name>" or "system:serviceaccount:<namespace>:<name>", got ${JSON.stringify(s)}`);
  return `system:serviceaccount:${m![1]}:${m![2]}`;
}

/** The part of an event a criterion named `name` reads, as text. */
function actualFor(name: string, ev: AuditEvent): string {
  switch (name) {
    case 'user':
    case 'serviceAccount':
      return ev.impersonatedUser ? `${ev.user.username ?? ''} (as ${ev.impersonatedUser.username ?? ''})` : (ev.user.username ?? '');
    case 'credentialId':
    case 'jti':
      return (credentialOf(ev) ?? []).join(',');
    case 'verb':
      return ev.verb;
    case 'resource':
      return ev.objectRef ? `${ev.objectRef.resource ?? ''}${ev.objectRef.subresource ? `/${ev.objectRef.subresource}` : ''}` : ev.requestURI.split('?')[0]!;
    case 'apiGroup':
    case 'namespace':
    case 'name':
      return ev.objectRef?.[name] ?? '';
    case 'code':
      return String(ev.responseStatus?.code ?? '');
    case 'since':
    case 'until':
      return ev.requestReceivedTimestamp;
    case 'stage':
      return ev.stage;
    case 'auditID':
      return ev.auditID;
    default:
      return Object.entries(ev.annotations ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  }
}

function credentialOf(ev: AuditEvent): readonly string[] | undefined {
  return ev.user.extra?.[CREDENTIAL_ID_EXTRA];
}

function receivedMs(ev: AuditEvent): number {
  return parseMicroTime(ev.requestReceivedTimestamp);
}

/** Whether an event is about `resource` (`pods`, `pods/log`, `pods/*`, `*`, or a non-resource path). */
function resourceMatches(ev: AuditEvent, spec: string): boolean {
  const ref = ev.objectRef;
  if (spec.startsWith('/')) return !ref && (spec.endsWith('*') ? ev.requestURI.startsWith(spec.slice(0, -1)) : ev.requestURI.split('?')[0] === spec);
  if (!ref) return false;
  if (spec === '*') return true;
  const combined = ref.subresource ? `${ref.resource}/${ref.subresource}` : (ref.resource ?? '');
  if (spec.endsWith('/*')) return ref.resource === spec.slice(0, -2);
  return combined === spec;
}

/**
 * The criteria of a filter, each checked; throws a {@link RequestFilterError} with the first
 * mistake (unknown member, wrong type, malformed value).
 * @example
 * compileFilter({ serviceAccount: 'default/app', verb: 'get', code: '2xx' }).every((c) => c.test(ev));
 */
export function compileFilter(filter: RequestFilter | undefined): Criterion[] {
  if (filter === undefined) return [];
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) return fail(`a request filter must be an object, got ${describeType(filter)}`);
  const out: Criterion[] = [];
  for (const key of Object.keys(filter)) {
    if (!(FILTER_KEYS as readonly string[]).includes(key)) fail(`unknown request filter ${JSON.stringify(key.slice(0, 64))} (the filters are ${FILTER_KEYS.join(', ')})`);
  }
  const f = filter as Record<string, unknown>;
  const add = (name: string, value: string, test: (ev: AuditEvent) => boolean) => out.push({ name, value, test, actual: (ev) => actualFor(name, ev) });
  if (f.user !== undefined) {
    const u = text('user', f.user);
    add('user', u, (ev) => ev.user.username === u || ev.impersonatedUser?.username === u);
  }
  if (f.serviceAccount !== undefined) {
    const u = serviceAccountUser(f.serviceAccount);
    add('serviceAccount', u, (ev) => ev.user.username === u || ev.impersonatedUser?.username === u);
  }
  if (f.credentialId !== undefined) {
    const c = text('credentialId', f.credentialId);
    if (!/^[A-Za-z0-9]+=.+$/.test(c)) fail(`request filter "credentialId" must be "<type>=<id>" (JTI=<jti>, X509SHA256=<hex>), got ${JSON.stringify(c)}`);
    add('credentialId', c, (ev) => credentialOf(ev)?.includes(c) === true);
  }
  if (f.jti !== undefined) {
    const c = `JTI=${text('jti', f.jti)}`;
    add('jti', c, (ev) => credentialOf(ev)?.includes(c) === true);
  }
  if (f.verb !== undefined) {
    const verbs = Array.isArray(f.verb) ? f.verb : [f.verb];
    if (verbs.length === 0 || verbs.length > MAX_VERBS) fail(`request filter "verb" must name between 1 and ${MAX_VERBS} verbs`);
    const list = verbs.map((v) => text('verb', v));
    add('verb', list.join(','), (ev) => list.includes(ev.verb));
  }
  if (f.resource !== undefined) {
    const r = text('resource', f.resource);
    add('resource', r, (ev) => resourceMatches(ev, r));
  }
  for (const key of ['apiGroup', 'namespace', 'name'] as const) {
    if (f[key] === undefined) continue;
    const v = key === 'apiGroup' && f[key] === '' ? '' : text(key, f[key]);
    add(key, v, (ev) => (ev.objectRef?.[key] ?? '') === v);
  }
  if (f.code !== undefined) {
    const [lo, hi] = codeRange(f.code);
    add('code', lo === hi ? String(lo) : `${lo}-${hi}`, (ev) => {
      const c = ev.responseStatus?.code;
      return c !== undefined && c >= lo && c <= hi;
    });
  }
  if (f.since !== undefined) {
    const t = time('since', f.since);
    add('since', new Date(t).toISOString(), (ev) => receivedMs(ev) >= t);
  }
  if (f.until !== undefined) {
    const t = time('until', f.until);
    add('until', new Date(t).toISOString(), (ev) => receivedMs(ev) < t);
  }
  if (f.stage !== undefined) {
    const s = text('stage', f.stage);
    if (!(STAGES as readonly string[]).includes(s)) fail(`request filter "stage" must be one of ${STAGES.join(', ')}, got ${JSON.stringify(s)}`);
    add('stage', s, (ev) => ev.stage === s);
  }
  if (f.auditID !== undefined) {
    const id = text('auditID', f.auditID);
    add('auditID', id, (ev) => ev.auditID === id);
  }
  if (f.annotation !== undefined) {
    const a = text('annotation', f.annotation);
    const eq = a.indexOf('=');
    const key = eq < 0 ? a : a.slice(0, eq);
    const value = eq < 0 ? undefined : a.slice(eq + 1);
    add('annotation', a, (ev) => {
      const v = ev.annotations?.[key];
      return v !== undefined && (value === undefined || v === value);
    });
  }
  return out;
}

/**
 * A predicate for a filter (see {@link compileFilter} for the errors).
 * @example
 * recorder.list().filter(matcher({ resource: 'secrets' }));
 */
export function matcher(filter: RequestFilter | undefined): (ev: AuditEvent) => boolean {
  const criteria = compileFilter(filter);
  return (ev) => criteria.every((c) => c.test(ev));
}

/**
 * A filter from a query string (the admin endpoint) or CLI flags: each member given once, except
 * `verb` (repeated or comma-separated); `limit` is read separately.
 * @example
 * filterFromQuery({ serviceAccount: 'default/app', code: '4xx' }); // { serviceAccount: 'default/app', code: '4xx' }
 */
export function filterFromQuery(q: Record<string, unknown>): RequestFilter {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(q)) {
    if (key === 'limit' || key === 'watch' || raw === undefined) continue;
    if (!(FILTER_KEYS as readonly string[]).includes(key)) fail(`unknown request filter ${JSON.stringify(key.slice(0, 64))} (the filters are ${FILTER_KEYS.join(', ')})`);
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.some((v) => typeof v !== 'string')) fail(`request filter "${key}" must be a string`);
    if (key === 'verb') {
      out.verb = (values as string[]).flatMap((v) => v.split(',')).filter(Boolean);
      continue;
    }
    if (values.length !== 1) fail(`request filter "${key}" must be given once`);
    out[key] = values[0];
  }
  return out as RequestFilter;
}
