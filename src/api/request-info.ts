/**
 * What a request asks for, as kube-apiserver's RequestInfoFactory reads it from method, path and
 * query (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go). It is worked out
 * once, first, for every request (api/pipeline.ts); authorization, routing, metrics and logs all
 * read this one value. It never throws: a path that cannot be read is an error value the
 * pipeline answers with a Status.
 */
import type { FieldRequirement } from '../auth/authorizer/index.js';
import { goQuote } from '../util/go-format.js';

export interface RequestInfo {
  isResourceRequest: boolean;
  /** the decoded path, as Go's `r.URL.Path` */
  path: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; for non-resource requests the lower-case method */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** the path segments from the resource on (`Parts`) */
  parts: string[];
  /** list/watch/deletecollection: the field selector's terms, when it parses (AuthorizeWithSelectors) */
  fieldSelector?: FieldRequirement[];
}

/** The request's query: first value (`Get`) and all values, as Go's url.Values. */
export class Query {
  private readonly values = new Map<string, string[]>();

  constructor(search: string) {
    if (!search) return;
    for (const [k, v] of new URLSearchParams(search)) {
      const list = this.values.get(k);
      if (list) list.push(v);
      else this.values.set(k, [v]);
    }
  }

  /** The first value, or undefined when the parameter is absent. */
  get(key: string): string | undefined {
    return this.values.get(key)?.[0];
  }

  all(key: string): readonly string[] {
    return this.values.get(key) ?? [];
  }

  has(key: string): boolean {
    return this.values.has(key);
  }
}

/** A request path that cannot be decoded (Go's url.EscapeError: the server answers 400). */
export class MalformedPathError extends Error {
  override readonly name = 'MalformedPathError';
}

/**
 * Go's `url.unescape(s, encodePath)`: `%XX` becomes the byte; any other `%` is an error with
 * Go's text (`invalid URL escape "%zz"`). The bytes are read as UTF-8 with U+FFFD for invalid
 * sequences, which is what Go's JSON encoder writes for such bytes.
 * @example
 * unescapePath('/api/v1/namespaces/a%2Fb'); // '/api/v1/namespaces/a/b'
 */
export function unescapePath(raw: string): string {
  const i = raw.indexOf('%');
  if (i < 0) return raw;
  const bytes: number[] = [];
  const utf8 = Buffer.from(raw, 'utf8');
  for (let j = 0; j < utf8.length; j++) {
    const c = utf8[j]!;
    if (c !== 0x25) {
      bytes.push(c);
      continue;
    }
    const hi = hex(utf8[j + 1]);
    const lo = hex(utf8[j + 2]);
    if (hi < 0 || lo < 0) {
      const bad = utf8.subarray(j, Math.min(j + 3, utf8.length)).toString('latin1');
      throw new MalformedPathError(`invalid URL escape ${goQuote(bad)}`);
    }
    bytes.push(hi * 16 + lo);
    j += 2;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
}

function hex(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_PREFIXES = new Set(['api']);
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const SPECIAL_VERBS_NO_SUBRESOURCES = new Set(['proxy']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
/** satoken's short form `POST /serviceaccounts/<name>/token?namespace=<ns>` */
const SHORT_TOKEN_PATH = /^\/serviceaccounts\/([^/]+)\/token\/?$/;

/** Go's `splitPath`: trim slashes, split on each one (empty segments stay). */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** An error RequestInfoFactory returns: kube-apiserver answers it with a plain-text 500. */
export class RequestInfoError extends Error {
  override readonly name = 'RequestInfoError';
}

/**
 * `RequestInfoFactory.NewRequestInfo` over an already-decoded path.
 * - `/api/<v>/...` and `/apis/<g>/<v>/...` with enough segments are resource requests, others
 *   non-resource with the lower-case method as verb;
 * - `/watch/` and `/proxy/` after the version are special verbs;
 * - `namespaces/<ns>/<resource>/...` sets the namespace (`status` and `finalize` stay
 *   subresources of the namespace itself);
 * - a `get` without a name is a `list`, or a `watch` when `watch` is set to anything but
 *   `0`/`false`; a `metadata.name=<n>` field selector names the object; a `delete` without a
 *   name is a `deletecollection`;
 * - satoken's `POST /serviceaccounts/<name>/token?namespace=` is the `serviceaccounts/token`
 *   subresource in that namespace (default `default`).
 * @example
 * requestInfo('GET', '/api/v1/namespaces/default/pods', new Query('watch=1')).verb; // 'watch'
 */
export function requestInfo(method: string, path: string, query: Query): RequestInfo {
  const info: RequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [] };
  const short = SHORT_TOKEN_PATH.exec(path);
  if (short) {
    return { ...info, isResourceRequest: true, verb: method === 'POST' ? 'create' : info.verb, apiVersion: 'v1', namespace: query.get('namespace') || 'default', resource: 'serviceaccounts', name: short[1]!, subresource: 'token', parts: ['serviceaccounts', short[1]!, 'token'] };
  }
  let parts = splitPath(path);
  if (parts.length < 3 || !API_PREFIXES.has(parts[0]!)) return info;
  info.apiPrefix = parts[0]!;
  parts = parts.slice(1);
  if (!GROUPLESS_PREFIXES.has(info.apiPrefix)) {
    if (parts.length < 3) return info;
    info.apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  info.isResourceRequest = true;
  info.apiVersion = parts[0]!;
  parts = parts.slice(1);
  if (SPECIAL_VERBS.has(parts[0]!)) {
    if (parts.length < 2) throw new RequestInfoError(`unable to determine kind and namespace from url, ${path}`);
    info.verb = parts[0]!;
    parts = parts.slice(1);
  } else {
    info.verb = VERBS[method.toUpperCase()] ?? '';
  }
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.has(info.verb)) info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;
  if (info.name === '' && info.verb === 'get') info.verb = watchRequested(query) ? 'watch' : 'list';
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  if (info.verb === 'list' || info.verb === 'watch' || info.verb === 'deletecollection') {
    const selector = parseFieldSelector(query.get('fieldSelector') ?? '');
    if (selector) {
      info.fieldSelector = selector;
      if (info.name === '' && info.verb !== 'deletecollection') {
        const name = exactMatch(selector, 'metadata.name');
        if (name !== undefined && isValidPathSegmentName(name)) info.name = name;
      }
    }
  }
  return info;
}

const VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** ListOptions.Watch from the query: set unless `0` or `false` (any case). */
function watchRequested(query: Query): boolean {
  const v = query.all('watch');
  if (v.length === 0) return false;
  return !(v[0] === '0' || v[0]!.toLowerCase() === 'false');
}

/** `path.IsValidPathSegmentName`: not `.` or `..`, no `/` or `%`. */
function isValidPathSegmentName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

/** `Selector.RequiresExactMatch`. */
function exactMatch(terms: readonly FieldRequirement[], field: string): string | undefined {
  return terms.find((t) => t.field === field && t.operator === '=')?.value;
}

/**
 * `fields.ParseSelector`: terms split on unescaped commas, each `field=value`, `field==value` or
 * `field!=value`, with `\,`, `\=`, `\!` and `\\` escapes in values. Undefined when it does not
 * parse (kube-apiserver then treats the request as having no selector for its request info).
 * @example
 * parseFieldSelector('spec.nodeName=node-1'); // [{ field: 'spec.nodeName', operator: '=', value: 'node-1' }]
 */
export function parseFieldSelector(selector: string): FieldRequirement[] | undefined {
  const out: FieldRequirement[] = [];
  if (selector.trim() === '') return out;
  for (const term of splitUnescaped(selector)) {
    if (term === '') continue;
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) return undefined;
    const field = m[1]!.trim();
    const value = unescapeValue(m[3]!);
    if (field === '' || value === undefined) return undefined;
    out.push({ field, operator: m[2] === '!=' ? '!=' : '=', value });
  }
  return out;
}

function splitUnescaped(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i]!;
      continue;
    }
    if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescapeValue(v: string): string | undefined {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c !== '\\') {
      if (c === ',' || c === '=') return undefined;
      out += c;
      continue;
    }
    const n = v[++i];
    if (n === undefined || !'\\,=!'.includes(n)) return undefined;
    out += n;
  }
  return out;
}

/** Whether a query flag is true as Go's strconv.ParseBool reads it. */
export function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v));
}
