/**
 * No token value reaches an audit event. Where kube-apiserver would write one, satoken writes
 * `"<redacted>"`:
 * - TokenRequest `status.token`, TokenReview `spec.token` (whatever their shape: static tokens
 *   are not JWTs);
 * - Secret `data` and `stringData` values of `kubernetes.io/service-account-token` Secrets, and
 *   of any Secret whose value holds a JWT (decoded from base64 for `data`);
 * - the same inside lists (`items`) and Tables (`rows[].object`);
 * - and, as a last sweep, anything shaped like a JWS (`eyJ….….…`) in an object, a request URI or
 *   a user agent.
 * Objects are copied where they change, never changed in place: the response object is also
 * what the client gets.
 */

export const REDACTED = '<redacted>';

/** The compact serialization of a JWS/JWT: a base64url JSON header (`{"` is `eyJ`), payload, signature. */
const JWT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]+/g;

/**
 * `text` with every JWT-shaped run replaced by `<redacted>`; the same string when there is none.
 * @example
 * redactText('/api/v1/pods?x=eyJhbGciOi.eyJzdWIiOi.c2ln'); // '/api/v1/pods?x=<redacted>'
 */
export function redactText(text: string): string {
  if (!text.includes('eyJ')) return text;
  return text.replace(JWT, REDACTED);
}

const ONE_JWT = new RegExp(JWT.source);

function holdsJwt(text: string): boolean {
  return text.includes('eyJ') && ONE_JWT.test(text);
}

function base64HoldsJwt(value: string): boolean {
  // base64 of text starting "eyJ" starts "ZXlK"; a JWT later in a value sits at any offset
  if (value.length < 16) return false;
  return holdsJwt(Buffer.from(value, 'base64').toString('latin1'));
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of `o` with `key` set, or `o` itself when nothing changes. */
function withKey(o: Obj, key: string, value: unknown): Obj {
  return o[key] === value ? o : { ...o, [key]: value };
}

/** A Secret's `data` (base64, `decode`) or `stringData`: the `token` key of a service-account token Secret, and any value holding a JWT. */
function redactMap(map: unknown, saToken: boolean, decode: boolean): unknown {
  if (!isObj(map)) return map;
  let out = map;
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string' || v === REDACTED) continue;
    if ((saToken && k === 'token') || (decode ? base64HoldsJwt(v) : holdsJwt(v))) out = withKey(out, k, REDACTED);
  }
  return out;
}

function redactKnown(o: unknown): unknown {
  if (!isObj(o)) return o;
  const kind = o.kind;
  if (kind === 'TokenRequest' && isObj(o.status) && typeof o.status.token === 'string' && o.status.token) return withKey(o, 'status', withKey(o.status, 'token', REDACTED));
  if (kind === 'TokenReview' && isObj(o.spec) && typeof o.spec.token === 'string' && o.spec.token) return withKey(o, 'spec', withKey(o.spec, 'token', REDACTED));
  if (kind === 'Secret' || (kind === undefined && (isObj(o.data) || isObj(o.stringData)) && typeof o.type === 'string')) {
    const saToken = o.type === 'kubernetes.io/service-account-token';
    let out = o;
    if (isObj(o.data)) out = withKey(out, 'data', redactMap(o.data, saToken, true));
    if (isObj(o.stringData)) out = withKey(out, 'stringData', redactMap(o.stringData, saToken, false));
    return out;
  }
  if (Array.isArray(o.items)) {
    const items = o.items.map(redactKnown);
    return items.some((it, i) => it !== (o.items as unknown[])[i]) ? { ...o, items } : o;
  }
  if (kind === 'Table' && Array.isArray(o.rows)) {
    const rows = o.rows.map((r) => (isObj(r) && r.object !== undefined ? withKey(r, 'object', redactKnown(r.object)) : r));
    return rows.some((r, i) => r !== (o.rows as unknown[])[i]) ? { ...o, rows } : o;
  }
  return o;
}

function dropManagedFields(o: unknown): unknown {
  if (!isObj(o)) return o;
  let out = o;
  if (isObj(o.metadata) && 'managedFields' in o.metadata) {
    const { managedFields: _drop, ...meta } = o.metadata;
    void _drop;
    out = { ...out, metadata: meta };
  }
  if (Array.isArray(o.items)) {
    const items = o.items.map(dropManagedFields);
    if (items.some((it, i) => it !== (o.items as unknown[])[i])) out = { ...out, items };
  }
  if (o.kind === 'Table' && Array.isArray(o.rows)) {
    const rows = o.rows.map((r) => (isObj(r) && r.object !== undefined ? withKey(r, 'object', dropManagedFields(r.object)) : r));
    if (rows.some((r, i) => r !== (o.rows as unknown[])[i])) out = { ...out, rows };
  }
  return out;
}

/**
 * The text of what an audit event keeps of a request or response object: JSON, tokens redacted,
 * and `metadata.managedFields` dropped when the policy says so (`copyWithoutManagedFields`: the
 * object, list items, Table rows). Being text, it is independent of the live object.
 * @example
 * snapshotText({ kind: 'TokenRequest', status: { token: 'eyJ...' } }, false); // '{"kind":"TokenRequest","status":{"token":"<redacted>"}}'
 */
export function snapshotText(obj: unknown, omitManagedFields: boolean): string {
  let o = redactKnown(obj);
  if (omitManagedFields) o = dropManagedFields(o);
  return redactText(JSON.stringify(o) ?? 'null');
}
