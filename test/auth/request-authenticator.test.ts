import { describe, expect, it } from 'vitest';
import { BearerTokenChain, PresentedToken, type TokenAuthenticator, type TokenAuthResult } from '../../src/auth/authenticators/bearer-token-chain.js';
import { ANONYMOUS, EXTRA_CREDENTIAL_ID, EXTRA_SPACE_WARNING, RequestAuthenticator, type ClientCertificate } from '../../src/auth/request-authenticator.js';
import { sha256 } from '../../src/util/sha256.js';

/**
 * The request authenticator and the bearer-token union, against authenticators written by hand:
 * bearertoken_test.go's header cases (staging/src/k8s.io/apiserver/pkg/authentication/request/
 * bearertoken), x509.go's CommonNameUserConversion, union.go's fail-on-error union and
 * anonymous.go's user.
 */
const ALICE = { username: 'alice', uid: 'u-1', groups: ['system:authenticated'], extra: {} };

/** a chain whose one authenticator knows only `token`, and records what it was asked */
function chainOf(known: Record<string, TokenAuthResult>, seen: string[] = [], async = false): BearerTokenChain {
  const a: TokenAuthenticator = (t) => {
    seen.push(t.value);
    const r = known[t.value];
    return async ? Promise.resolve(r) : r;
  };
  return new BearerTokenChain([a]);
}
const authn = (anonymous = true, seen: string[] = [], async = false) => new RequestAuthenticator({ chain: chainOf({ token: { user: ALICE, audiences: [] } }, seen, async), anonymous });

describe('bearer tokens as bearertoken.go reads the Authorization header', () => {
  it.each([
    ['Bearer token', 'alice'],
    ['bearer token', 'alice'],
    ['BEARER token', 'alice'],
    ['BeArEr token', 'alice'],
    ['  Bearer token  ', 'alice'],
    ['\tBearer token\n', 'alice'],
    // SplitN(auth, " ", 3): a third part is ignored
    ['Bearer token extra', 'alice'],
    ['Bearer token extra parts here', 'alice'],
  ])('%j authenticates as %s', async (header, user) => {
    const seen: string[] = [];
    const r = await authn(false, seen).authenticate({ authorization: header });
    expect(r).toEqual({ ok: true, user: { ...ALICE, username: user }, warnings: [] });
    expect(seen).toEqual(['token']);
  });

  it.each([
    ['no header', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['the scheme alone', 'Bearer'],
    ['the scheme alone, then spaces (trimmed away)', 'Bearer   '],
    ['another scheme', 'Basic Zm9vOmJhcg=='],
    ['a scheme containing bearer', 'Bearers token'],
    ['a scheme and token without a space', 'Bearertoken'],
    ['a token alone', 'token'],
    ['a tab instead of a space (Go splits on " " only)', 'Bearer\ttoken'],
  ])('%s is no opinion: anonymous when allowed, 401 otherwise, and the chain is not asked', async (_n, header) => {
    const seen: string[] = [];
    expect(await authn(true, seen).authenticate(header === undefined ? {} : { authorization: header })).toEqual({ ok: true, user: ANONYMOUS, warnings: [] });
    expect(await authn(false, seen).authenticate(header === undefined ? {} : { authorization: header })).toEqual({ ok: false, reason: 'anonymous requests are not allowed', warnings: [] });
    expect(seen).toEqual([]);
  });

  it('ignores a token after two spaces, with the warning kube-apiserver sends (TestBearerTokenWithExtraSpace)', async () => {
    const seen: string[] = [];
    expect(await authn(true, seen).authenticate({ authorization: 'Bearer  token' })).toEqual({ ok: true, user: ANONYMOUS, warnings: [EXTRA_SPACE_WARNING] });
    expect(await authn(false, seen).authenticate({ authorization: 'Bearer  token' })).toEqual({ ok: false, reason: 'anonymous requests are not allowed', warnings: [EXTRA_SPACE_WARNING] });
    expect(seen).toEqual([]);
    expect(EXTRA_SPACE_WARNING).toBe('the provided Authorization header contains extra space before the bearer token, and is ignored');
  });

  it.each(['Bearer  token extra', 'Bearer  token extra more', 'bearer   token'])('warns for %j too: SplitN(auth, " ", 3) leaves an empty second part and a third', async (header) => {
    const seen: string[] = [];
    expect(await authn(true, seen).authenticate({ authorization: header })).toEqual({ ok: true, user: ANONYMOUS, warnings: [EXTRA_SPACE_WARNING] });
    expect(seen).toEqual([]);
  });

  it('a token the chain does not know is a 401 with "invalid bearer token", even when anonymous requests are allowed', async () => {
    expect(await authn(true).authenticate({ authorization: 'Bearer other' })).toEqual({ ok: false, reason: 'invalid bearer token', warnings: [] });
  });

  it('answers without a promise when the chain does, and with one when it does not', async () => {
    const sync = authn(false).authenticate({ authorization: 'Bearer token' });
    expect(sync).not.toBeInstanceOf(Promise);
    expect(sync).toEqual({ ok: true, user: ALICE, warnings: [] });
    const later = authn(false, [], true).authenticate({ authorization: 'Bearer token' });
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toEqual({ ok: true, user: ALICE, warnings: [] });
    expect(await authn(false, [], true).authenticate({ authorization: 'Bearer nope' })).toEqual({ ok: false, reason: 'invalid bearer token', warnings: [] });
  });

  it("carries the authenticator's audit annotations (a stale token's), and none otherwise", async () => {
    const annotations = { 'authentication.k8s.io/stale-token': 'subject: x, seconds after warning threshold: 1' };
    const chain = chainOf({ stale: { user: ALICE, audiences: [], annotations }, fresh: { user: ALICE, audiences: [] } });
    const a = new RequestAuthenticator({ chain, anonymous: false });
    expect(await a.authenticate({ authorization: 'Bearer stale' })).toEqual({ ok: true, user: ALICE, warnings: [], annotations });
    const fresh = await a.authenticate({ authorization: 'Bearer fresh' });
    expect(fresh).toEqual({ ok: true, user: ALICE, warnings: [] });
    expect('annotations' in fresh).toBe(false);
  });
});

describe('client certificates (x509.go CommonNameUserConversion)', () => {
  const cert = (more: Partial<ClientCertificate> = {}): ClientCertificate => ({ commonNames: ['system:node:n1'], organizations: ['system:nodes'], verified: true, ...more });

  it('a verified certificate is its last CN, its O values and system:authenticated, with the X509SHA256 credential id', async () => {
    const digest = sha256('der', 'hex');
    const r = await authn(false).authenticate({ certificate: cert({ commonNames: ['first', 'system:node:n1'], organizations: ['system:nodes', 'b'], sha256: digest }) });
    expect(r).toEqual({ ok: true, user: { username: 'system:node:n1', uid: '', groups: ['system:nodes', 'b', 'system:authenticated'], extra: { [EXTRA_CREDENTIAL_ID]: [`X509SHA256=${digest}`] } }, warnings: [] });
    expect(EXTRA_CREDENTIAL_ID).toBe('authentication.kubernetes.io/credential-id');
  });

  it('without a digest, the user has no extra', async () => {
    expect(await authn(false).authenticate({ certificate: cert({ organizations: [] }) })).toEqual({ ok: true, user: { username: 'system:node:n1', uid: '', groups: ['system:authenticated'], extra: {} }, warnings: [] });
  });

  it('wins over a bearer token (the certificate authenticator comes first), which is then not looked at', async () => {
    const seen: string[] = [];
    const r = await authn(false, seen).authenticate({ certificate: cert(), authorization: 'Bearer token' });
    expect(r).toMatchObject({ ok: true, user: { username: 'system:node:n1' } });
    expect(seen).toEqual([]);
  });

  it.each([
    ['no CN', []],
    ['an empty last CN', ['x', '']],
  ])('a verified certificate with %s is no opinion: the token decides, else anonymous', async (_n, commonNames) => {
    expect(await authn(false).authenticate({ certificate: cert({ commonNames }), authorization: 'Bearer token' })).toEqual({ ok: true, user: ALICE, warnings: [] });
    expect(await authn(true).authenticate({ certificate: cert({ commonNames }) })).toEqual({ ok: true, user: ANONYMOUS, warnings: [] });
  });

  it('an unverified certificate is a 401 with its reason, unless a bearer token authenticates', async () => {
    const bad = cert({ verified: false, error: 'x509: certificate signed by unknown authority' });
    expect(await authn(true).authenticate({ certificate: bad })).toEqual({ ok: false, reason: 'verifying certificate: x509: certificate signed by unknown authority', warnings: [] });
    expect(await authn(true).authenticate({ certificate: cert({ verified: false }) })).toEqual({ ok: false, reason: 'verifying certificate: unauthorized', warnings: [] });
    expect(await authn(true).authenticate({ certificate: bad, authorization: 'Bearer token' })).toEqual({ ok: true, user: ALICE, warnings: [] });
    expect(await authn(true).authenticate({ certificate: bad, authorization: 'Bearer other' })).toEqual({ ok: false, reason: 'invalid bearer token', warnings: [] });
  });
});

describe('the anonymous user (anonymous.go)', () => {
  it('is system:anonymous in system:unauthenticated, with no uid and no extra', () => {
    expect(ANONYMOUS).toEqual({ username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} });
  });
});

describe('BearerTokenChain (the loopback authenticator, then the configured ones, union.go)', () => {
  const user = (name: string): TokenAuthResult => ({ user: { ...ALICE, username: name }, audiences: ['api'] });
  type A = (t: PresentedToken) => ReturnType<TokenAuthenticator>;
  const sync = (r: TokenAuthResult | undefined): A => () => r;
  const later = (r: TokenAuthResult | undefined): A => () => Promise.resolve(r);

  it.each<[string, A[], TokenAuthResult]>([
    ['no authenticator', [], { error: 'invalid bearer token' }],
    ['none knows the token', [sync(undefined), later(undefined)], { error: 'invalid bearer token' }],
    ['the first success wins', [sync(user('a')), sync(user('b'))], user('a')],
    ['a success after a rejection', [sync({ error: 'no' }), sync(user('b'))], user('b')],
    ['an async success after a rejection', [sync({ error: 'no' }), later(user('b'))], user('b')],
    ['an async success after an async rejection', [later({ error: 'no' }), later(user('b'))], user('b')],
    ['a rejection', [sync(undefined), sync({ error: 'service account token has expired' })], { error: '[invalid bearer token, service account token has expired]' }],
    ['an async rejection', [later({ error: 'service account token has expired' })], { error: '[invalid bearer token, service account token has expired]' }],
    ['two rejections', [sync({ error: 'x' }), later(undefined), later({ error: 'y' })], { error: '[invalid bearer token, x, y]' }],
    ['two sync rejections', [sync({ error: 'x' }), sync({ error: 'y' })], { error: '[invalid bearer token, x, y]' }],
    ['the same rejection twice (errors are distinct)', [later({ error: 'x' }), sync({ error: 'x' })], { error: '[invalid bearer token, x]' }],
    ['a rejection saying what the loopback says', [sync({ error: 'invalid bearer token' })], { error: 'invalid bearer token' }],
    ['an async rejection then a sync one', [later({ error: 'x' }), sync({ error: 'y' })], { error: '[invalid bearer token, x, y]' }],
  ])('%s', async (_n, list, want) => {
    expect(await new BearerTokenChain(list as TokenAuthenticator[]).authenticate('t', ['api'])).toEqual(want);
  });

  it('stops at the first success: later authenticators are not asked', async () => {
    const asked: number[] = [];
    const a = (i: number, r: TokenAuthResult | undefined, async: boolean): TokenAuthenticator => () => {
      asked.push(i);
      return async ? Promise.resolve(r) : r;
    };
    await new BearerTokenChain([a(0, undefined, true), a(1, user('b'), true), a(2, user('c'), false)]).authenticate('t');
    expect(asked).toEqual([0, 1]);
    asked.length = 0;
    await new BearerTokenChain([a(0, undefined, false), a(1, user('b'), false), a(2, user('c'), false)]).authenticate('t');
    expect(asked).toEqual([0, 1]);
  });

  it('hands every authenticator the one presented token (decoded once) and the audiences', async () => {
    const seen: Array<[PresentedToken, readonly string[] | undefined]> = [];
    const a: TokenAuthenticator = (t, aud) => {
      seen.push([t, aud]);
      return undefined;
    };
    await new BearerTokenChain([a, a]).authenticate('tok', ['x']);
    expect(seen[0]![0]).toBe(seen[1]![0]);
    expect(seen[0]![0].value).toBe('tok');
    expect(seen.map((s) => s[1])).toEqual([['x'], ['x']]);
  });

  it('answers synchronously when every authenticator does', () => {
    expect(new BearerTokenChain([sync(undefined), sync(user('a'))]).answer('t')).toEqual(user('a'));
    expect(new BearerTokenChain([sync({ error: 'x' })]).answer('t')).toEqual({ error: '[invalid bearer token, x]' });
    expect(new BearerTokenChain([later(user('a'))]).answer('t')).toBeInstanceOf(Promise);
  });
});

describe('PresentedToken', () => {
  it("keeps the token's SHA-256 as base64url", () => {
    const t = new PresentedToken('abc');
    expect(t.digest).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(t.digest).toBe(t.digest);
  });

  it('decodes a compact JWS once, and says undefined (once) for anything else', () => {
    const jws = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"iss":"x"}').toString('base64url')}.c2ln`;
    const t = new PresentedToken(jws);
    const d = t.jws;
    expect(d).toBeDefined();
    expect(t.jws).toBe(d);
    const g = new PresentedToken('not a jws');
    expect(g.jws).toBeUndefined();
    expect(g.jws).toBeUndefined();
  });
});

describe('BearerTokenChain with an interceptor (TokenFaults of target review)', () => {
  const ok: TokenAuthResult = { user: ALICE, audiences: ['api'] };
  it('lets the chain answer when the interceptor does not, handing it the token, audiences and reporter', async () => {
    const seen: unknown[] = [];
    const report = () => undefined;
    const chain = new BearerTokenChain([() => ok], { intercept: (t, auds, r) => void seen.push([t.value, auds, r]) });
    expect(await chain.authenticate('tok', ['x'], report)).toEqual(ok);
    expect(seen).toEqual([['tok', ['x'], report]]);
  });

  it("answers with the interceptor's answer, asking no authenticator, or with the chain's later", async () => {
    const asked: string[] = [];
    const a: TokenAuthenticator = (t) => {
      asked.push(t.value);
      return ok;
    };
    expect(await new BearerTokenChain([a], { intercept: () => ({ error: 'fault' }) }).authenticate('tok')).toEqual({ error: 'fault' });
    expect(asked).toEqual([]);
    expect(await new BearerTokenChain([a], { intercept: (_t, _a, _r, answer) => Promise.resolve().then(answer) }).authenticate('tok')).toEqual(ok);
    expect(asked).toEqual(['tok']);
  });

  it('is handed the reporter the request authenticator was given', async () => {
    const seen: unknown[] = [];
    const report = () => undefined;
    const chain = new BearerTokenChain([() => ok], { intercept: (_t, _a, r) => void seen.push(r) });
    await new RequestAuthenticator({ chain, anonymous: false }).authenticate({ authorization: 'Bearer tok', report });
    expect(seen).toEqual([report]);
  });
});
