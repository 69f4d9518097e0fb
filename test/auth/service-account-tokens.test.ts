import { describe, expect, it } from 'vitest';
import { PresentedToken, type TokenAuthenticator, type TokenAuthResult } from '../../src/auth/authenticators/bearer-token-chain.js';
import { serviceAccountAuthenticators, type ServiceAccountAuthOptions } from '../../src/auth/authenticators/service-account-tokens.js';
import type { BindingIndex, InvalidationEvent } from '../../src/registry/binding-index.js';
import type { Secret } from '../../src/registry/types.js';
import { RSA_KEY_ID } from '../keys/fixtures.js';
import { FakeGetter, manualClock, node, NOW, pod, rsaKeys, secret, serviceAccount, signJws } from '../tokens/fixtures.js';

/**
 * The bound and legacy service-account authenticators with the review cache, against fakes: a
 * getter that counts calls (a cache hit makes none), a binding index whose UIDs die on demand,
 * a manual clock. Kubernetes' messages are asserted exactly.
 */
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const API = [ISSUER];
const SUB = 'system:serviceaccount:default:app';

class FakeIndex {
  readonly live = new Set<string>();
  private readonly listeners: Array<(e: InvalidationEvent) => void> = [];
  isLive(uid: string): boolean {
    return this.live.has(uid);
  }
  onInvalidated(fn: (e: InvalidationEvent) => void): () => void {
    this.listeners.push(fn);
    return () => undefined;
  }
  delete(uid: string): void {
    this.live.delete(uid);
    for (const l of this.listeners) l({ reason: 'deleted', object: { kind: 'Pod', name: 'x', uid }, tokens: [] });
  }
}

interface Setup {
  getter: FakeGetter;
  index: FakeIndex;
  clock: ReturnType<typeof manualClock>;
  bound: TokenAuthenticator;
  legacy: TokenAuthenticator;
  events: string[];
}

function setup(objects: ConstructorParameters<typeof FakeGetter>[0], more: Partial<ServiceAccountAuthOptions> = {}): Setup {
  const getter = new FakeGetter(objects);
  const index = new FakeIndex();
  for (const list of Object.values(objects ?? {})) for (const o of list ?? []) index.live.add(o.metadata.uid!);
  const clock = manualClock();
  const events: string[] = [];
  const [bound, legacy] = serviceAccountAuthenticators({
    issuers: [ISSUER, 'https://old-issuer'],
    apiAudiences: API,
    keys: rsaKeys,
    getter,
    clock,
    index: index as unknown as BindingIndex,
    observer: {
      stale: (sub, n, info) => events.push(`stale ${sub} ${n} ${info.name}`),
      valid: (info) => events.push(`valid ${info.name}`),
      legacy: (sub) => events.push(`legacy ${sub}`),
    },
    markLegacyUsed: (s: Secret, date: string) => events.push(`used ${s.metadata.name} ${date}`),
    warn: (m) => events.push(`warn ${m}`),
    ...more,
  });
  return { getter, index, clock, bound, legacy, events };
}

const SA = serviceAccount('default', 'app', 'sa-uid');
const POD = pod('default', 'web-0', 'pod-uid');
const NODE = node('node-1', 'node-uid');

type K = Record<string, unknown>;
const k8s = (extra: K = {}): K => ({ namespace: 'default', serviceaccount: { name: 'app', uid: 'sa-uid' }, ...extra });
function boundToken(extra: K = {}, kube: K = k8s({ pod: { name: 'web-0', uid: 'pod-uid' }, node: { name: 'node-1', uid: 'node-uid' } })): string {
  return signJws({ alg: 'RS256', kid: RSA_KEY_ID }, { aud: API, exp: NOW + 3600, iat: NOW, iss: ISSUER, jti: 'jti-1', 'kubernetes.io': kube, nbf: NOW, sub: SUB, ...extra });
}
const ask = async (a: TokenAuthenticator, token: string, auds: readonly string[] | undefined = API): Promise<TokenAuthResult | undefined> => a(new PresentedToken(token), auds);

const POD_USER = {
  username: SUB,
  uid: 'sa-uid',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
  extra: {
    'authentication.kubernetes.io/credential-id': ['JTI=jti-1'],
    'authentication.kubernetes.io/node-name': ['node-1'],
    'authentication.kubernetes.io/node-uid': ['node-uid'],
    'authentication.kubernetes.io/pod-name': ['web-0'],
    'authentication.kubernetes.io/pod-uid': ['pod-uid'],
  },
};

describe('bound tokens: verified once, then answered from the cache', () => {
  it('answers a hit exactly as the verification did, without looking anything up', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = boundToken();
    const first = await ask(s.bound, t);
    expect(first).toStrictEqual({ user: POD_USER, audiences: API });
    expect(s.getter.calls).toEqual(['serviceaccounts default/app', 'pods default/web-0']);
    const hit = await ask(s.bound, t);
    expect(hit).toStrictEqual({ user: POD_USER, audiences: API });
    expect(Object.keys((hit as { user: { extra: object } }).user.extra)).toEqual(Object.keys(POD_USER.extra));
    expect(s.getter.calls).toHaveLength(2);
  });

  it('answers a hit synchronously (no promise)', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = boundToken();
    expect(s.bound(new PresentedToken(t), API)).toBeInstanceOf(Promise);
    await ask(s.bound, t);
    expect(s.bound(new PresentedToken(t), API)).not.toBeInstanceOf(Promise);
  });

  it('answers a token without a jti, from the cache too, without a credential id', async () => {
    const s = setup({ serviceAccounts: [SA] });
    const t = boundToken({ jti: undefined }, k8s());
    const want = { user: { username: SUB, uid: 'sa-uid', groups: POD_USER.groups, extra: {} }, audiences: API };
    expect(await ask(s.bound, t)).toStrictEqual(want);
    expect(await ask(s.bound, t)).toStrictEqual(want);
    expect(s.getter.calls).toHaveLength(1);
  });

  it('re-verifies a cached token once it is past exp and the leeway: a cache hit past exp is a miss', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = boundToken({ exp: NOW + 600 });
    await ask(s.bound, t);
    s.clock.set((NOW + 660) * 1000);
    expect(await ask(s.bound, t)).toStrictEqual({ user: POD_USER, audiences: API });
    expect(s.getter.calls).toHaveLength(2);
    s.clock.set((NOW + 661) * 1000);
    expect(await ask(s.bound, t)).toStrictEqual({ error: 'service account token has expired' });
  });

  it('never answers a token without exp from the cache', async () => {
    const s = setup({ serviceAccounts: [SA] });
    const t = boundToken({ exp: undefined }, k8s());
    await ask(s.bound, t);
    await ask(s.bound, t);
    expect(s.getter.calls).toHaveLength(2);
  });

  it('caches an unbound token on its service account alone', async () => {
    const s = setup({ serviceAccounts: [SA] });
    const t = boundToken({}, k8s());
    await ask(s.bound, t);
    await ask(s.bound, t);
    expect(s.getter.calls).toEqual(['serviceaccounts default/app']);
    s.index.delete('sa-uid');
    expect(await ask(s.bound, boundToken({}, k8s()))).toBeDefined();
    expect(s.getter.calls).toHaveLength(2);
  });

  it('bypasses the cache while the store is out of sync, and caches nothing meanwhile', async () => {
    let inSync = false;
    const s = setup({ serviceAccounts: [SA], pods: [POD] }, { inSync: () => inSync });
    const t = boundToken();
    await ask(s.bound, t);
    await ask(s.bound, t);
    expect(s.getter.calls).toHaveLength(4);
    inSync = true;
    await ask(s.bound, t);
    expect(s.getter.calls).toHaveLength(6); // nothing was cached while out of sync
    await ask(s.bound, t);
    expect(s.getter.calls).toHaveLength(6);
  });

  it('does not cache a review when the store fell out of sync while it was being verified', async () => {
    let calls = 0;
    const s = setup({ serviceAccounts: [SA], pods: [POD] }, { inSync: () => calls++ === 0 });
    const t = boundToken();
    await ask(s.bound, t);
    calls = 0;
    await ask(s.bound, t);
    expect(s.getter.calls).toHaveLength(4);
  });

  it('has no cache with cacheSize 0', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] }, { cacheSize: 0 });
    const t = boundToken();
    for (let i = 0; i < 3; i++) expect(await ask(s.bound, t)).toStrictEqual({ user: POD_USER, audiences: API });
    expect(s.getter.calls).toHaveLength(6);
  });

  it('holds cacheSize entries', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] }, { cacheSize: 1 });
    const a = boundToken({ jti: 'a' });
    const b = boundToken({ jti: 'b' });
    await ask(s.bound, a);
    await ask(s.bound, b);
    await ask(s.bound, b);
    expect(s.getter.calls).toHaveLength(4);
    await ask(s.bound, a);
    expect(s.getter.calls).toHaveLength(6);
  });
});

describe('bound tokens: the objects they hang on', () => {
  it('rejects a token whose Secret was deleted and recreated under the same name', async () => {
    const s = setup({ serviceAccounts: [SA], secrets: [secret('default', 'creds', 'secret-1')] });
    const t = boundToken({}, k8s({ secret: { name: 'creds', uid: 'secret-1' } }));
    expect(await ask(s.bound, t)).toMatchObject({ audiences: API });
    s.index.delete('secret-1');
    (s.getter as unknown as { objects: { secrets: Secret[] } }).objects.secrets = [secret('default', 'creds', 'secret-2')];
    expect(await ask(s.bound, t)).toStrictEqual({ error: 'secret UID (secret-2) does not match service account secret ref claim (secret-1)' });
  });

  it('rejects a node-bound token whose Node was deleted and recreated', async () => {
    const s = setup({ serviceAccounts: [SA], nodes: [NODE] });
    const t = boundToken({}, k8s({ node: { name: 'node-1', uid: 'node-uid' } }));
    expect(await ask(s.bound, t)).toMatchObject({ user: { extra: { 'authentication.kubernetes.io/node-name': ['node-1'], 'authentication.kubernetes.io/node-uid': ['node-uid'] } } });
    s.index.delete('node-uid');
    (s.getter as unknown as { objects: { nodes: unknown[] } }).objects.nodes = [node('node-1', 'node-2')];
    expect(await ask(s.bound, t)).toStrictEqual({ error: 'node UID (node-2) does not match service account node ref claim (node-uid)' });
  });

  it('keeps the tokens of one secret when another secret of the same service account goes', async () => {
    const s = setup({ serviceAccounts: [SA], secrets: [secret('default', 's1', 'secret-1'), secret('default', 's2', 'secret-2')] });
    const x = boundToken({ jti: 'x' }, k8s({ secret: { name: 's1', uid: 'secret-1' } }));
    const y = boundToken({ jti: 'y' }, k8s({ secret: { name: 's2', uid: 'secret-2' } }));
    await ask(s.bound, x);
    await ask(s.bound, y);
    s.index.delete('secret-1');
    const before = s.getter.calls.length;
    expect(await ask(s.bound, y)).toMatchObject({ audiences: API });
    expect(s.getter.calls).toHaveLength(before); // y is still a hit
  });

  it('keeps apart the identities of two pods, of a pod with and without its node, and of two service accounts', async () => {
    const other = serviceAccount('default', 'other', 'sa-2');
    const s = setup({ serviceAccounts: [SA, other], pods: [POD, pod('default', 'web-1', 'pod-2')] });
    const tokens = [
      boundToken({ jti: '1' }),
      boundToken({ jti: '2' }, k8s({ pod: { name: 'web-1', uid: 'pod-2' }, node: { name: 'node-1', uid: 'node-uid' } })),
      boundToken({ jti: '3' }, k8s({ pod: { name: 'web-0', uid: 'pod-uid' } })),
      boundToken({ jti: '4' }, k8s({ pod: { name: 'web-0', uid: 'pod-uid' }, node: { name: 'node-1' } })),
      boundToken({ jti: '5', sub: 'system:serviceaccount:default:other' }, { namespace: 'default', serviceaccount: { name: 'other', uid: 'sa-2' } }),
    ];
    const first = [];
    for (const t of tokens) first.push(await ask(s.bound, t));
    const hits = [];
    for (const t of tokens) hits.push(await ask(s.bound, t));
    expect(hits).toStrictEqual(first);
    const extras = first.map((r) => (r as { user: { username: string; extra: Record<string, string[]> } }).user);
    expect(extras.map((u) => [u.username, u.extra['authentication.kubernetes.io/pod-name']?.[0], u.extra['authentication.kubernetes.io/node-name']?.[0], u.extra['authentication.kubernetes.io/node-uid']?.[0]])).toEqual([
      [SUB, 'web-0', 'node-1', 'node-uid'],
      [SUB, 'web-1', 'node-1', 'node-uid'],
      [SUB, 'web-0', undefined, undefined],
      [SUB, 'web-0', 'node-1', undefined],
      ['system:serviceaccount:default:other', undefined, undefined, undefined],
    ]);
  });

  it('answers each token of one identity for its own audiences', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const api = boundToken({ jti: 'a' });
    const vault = boundToken({ jti: 'v', aud: ['vault', ISSUER] });
    expect(await ask(s.bound, api)).toMatchObject({ audiences: API });
    expect(await ask(s.bound, vault, ['vault'])).toMatchObject({ audiences: ['vault'] });
    expect(await ask(s.bound, vault, ['vault'])).toMatchObject({ audiences: ['vault'] });
    expect(await ask(s.bound, vault)).toMatchObject({ audiences: API });
    expect(await ask(s.bound, api)).toMatchObject({ audiences: API });
  });

  it('keys a review for the API audiences apart from one for other audiences, even of the same token', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = boundToken({ aud: [ISSUER, 'vault'] });
    expect(await ask(s.bound, t, API)).toMatchObject({ audiences: API });
    expect(await ask(s.bound, t, ['vault'])).toMatchObject({ audiences: ['vault'] });
    expect(await ask(s.bound, t, [ISSUER])).toMatchObject({ audiences: API });
    expect(await s.bound(new PresentedToken(t), undefined)).toMatchObject({ audiences: API });
  });

  it('answers the frozen shared identity from the cache, so a caller cannot change what others get', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = boundToken();
    await ask(s.bound, t);
    const hit = (await ask(s.bound, t)) as { user: Required<{ groups: string[]; extra: Record<string, string[]> }>; audiences: string[] };
    expect(Object.isFrozen(hit.user.groups)).toBe(true);
    expect(Object.isFrozen(hit.user.extra)).toBe(true);
    expect(Object.isFrozen(hit.user.extra['authentication.kubernetes.io/pod-name'])).toBe(true);
    expect(Object.isFrozen(hit.audiences)).toBe(true);
    const noJti = boundToken({ jti: undefined });
    await ask(s.bound, noJti);
    const plain = (await ask(s.bound, noJti)) as { user: object };
    expect(Object.isFrozen(plain.user)).toBe(true);
  });
});

describe('bound tokens: errors and tokens of others', () => {
  it.each([
    ['a token that is not a JWS', 'garbage'],
    ['a legacy token', signJws({ alg: 'RS256', kid: RSA_KEY_ID }, { iss: 'kubernetes/serviceaccount', sub: SUB })],
    ['a token of another issuer', signJws({ alg: 'RS256', kid: RSA_KEY_ID }, { iss: 'https://elsewhere', sub: SUB })],
    ['an HMAC token of our issuer', signJws({ alg: 'HS256' }, { iss: ISSUER, sub: SUB })],
  ])('is not the bound authenticator\'s: %s', async (_n, t) => {
    const s = setup({ serviceAccounts: [SA] });
    expect(await ask(s.bound, t)).toBeUndefined();
    expect(await ask(s.bound, t)).toBeUndefined();
  });

  it('accepts a token of any configured issuer', async () => {
    const s = setup({ serviceAccounts: [SA] });
    expect(await ask(s.bound, boundToken({ iss: 'https://old-issuer' }, k8s()))).toMatchObject({ audiences: API });
  });

  it('answers the reason a token of ours is rejected, and caches no rejection', async () => {
    const s = setup({ serviceAccounts: [SA] });
    const t = boundToken();
    expect(await ask(s.bound, t)).toStrictEqual({ error: 'service account token has been invalidated' });
    expect(await ask(s.bound, t)).toStrictEqual({ error: 'service account token has been invalidated' });
    expect(await ask(s.bound, boundToken({ kid: 'x' }))).toStrictEqual({ error: 'service account token has been invalidated' });
    expect(await ask(s.bound, signJws({ alg: 'RS256', kid: 'nope' }, { iss: ISSUER }))).toStrictEqual({ error: 'invalid signature, no keys found' });
  });
});

describe('stale tokens past warnafter (the one-year extension)', () => {
  const extended = () => boundToken({ exp: NOW + 365 * 86400 }, k8s({ pod: { name: 'web-0', uid: 'pod-uid' }, warnafter: NOW + 3607 }));

  it('annotates the verification and every hit, and reports each to the observer', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = extended();
    s.clock.set((NOW + 7200) * 1000);
    const annotations = { 'authentication.k8s.io/stale-token': `subject: ${SUB}, seconds after warning threshold: 3593` };
    expect(await ask(s.bound, t)).toMatchObject({ annotations });
    s.clock.set((NOW + 7201) * 1000);
    expect(await ask(s.bound, t)).toMatchObject({ annotations: { 'authentication.k8s.io/stale-token': `subject: ${SUB}, seconds after warning threshold: 3594` } });
    expect(s.getter.calls).toHaveLength(2);
    expect(s.events).toEqual([`stale ${SUB} 3593 app`, `stale ${SUB} 3594 app`]);
  });

  it('counts an extended token as valid before warnafter, on verification and on hits, without annotations', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = extended();
    const first = await ask(s.bound, t);
    s.clock.set((NOW + 3607) * 1000);
    const hit = await ask(s.bound, t);
    expect(first).not.toHaveProperty('annotations');
    expect(hit).not.toHaveProperty('annotations');
    expect(s.events).toEqual(['valid app', 'valid app']);
    s.clock.set((NOW + 3608) * 1000);
    expect(await ask(s.bound, t)).toHaveProperty('annotations');
  });

  it('reports nothing for a token without warnafter (Kubernetes counts only extended tokens)', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    await ask(s.bound, boundToken());
    await ask(s.bound, boundToken());
    expect(s.events).toEqual([]);
  });

  it('annotates with the subject as presented', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const odd = boundToken({ sub: 'someone', exp: NOW + 365 * 86400 }, k8s({ pod: { name: 'web-0', uid: 'pod-uid' }, warnafter: NOW - 10 }));
    const plain = extended();
    s.clock.set((NOW + 3617) * 1000);
    expect(await ask(s.bound, plain)).toMatchObject({ annotations: { 'authentication.k8s.io/stale-token': `subject: ${SUB}, seconds after warning threshold: 10` } });
    expect(await ask(s.bound, odd)).toMatchObject({ annotations: { 'authentication.k8s.io/stale-token': 'subject: someone, seconds after warning threshold: 3627' } });
    expect(await ask(s.bound, odd)).toMatchObject({ annotations: { 'authentication.k8s.io/stale-token': 'subject: someone, seconds after warning threshold: 3627' } });
  });
});

describe('legacy Secret tokens: never cached', () => {
  const LEGACY = 'header-ignored';
  const legacyToken = () =>
    signJws(
      { alg: 'RS256', kid: RSA_KEY_ID },
      {
        iss: 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': 'default',
        'kubernetes.io/serviceaccount/secret.name': 'app-token',
        'kubernetes.io/serviceaccount/service-account.name': 'app',
        'kubernetes.io/serviceaccount/service-account.uid': 'sa-uid',
        sub: SUB,
      },
    );
  const holding = (t: string) => secret('default', 'app-token', 'secret-uid', {}, { token: Buffer.from(t).toString('base64') });

  it('authenticates without extras, looking the Secret up on every use, reporting each use', async () => {
    const t = legacyToken();
    const s = setup({ serviceAccounts: [serviceAccount('default', 'app', 'sa-uid', {}, [{ name: 'app-token' }])], secrets: [holding(t)] });
    const want = { user: { username: SUB, uid: 'sa-uid', groups: POD_USER.groups, extra: {} }, audiences: API };
    expect(await ask(s.legacy, t)).toStrictEqual(want);
    expect(await ask(s.legacy, t)).toStrictEqual(want);
    expect(s.getter.calls).toEqual(['secrets default/app-token', 'serviceaccounts default/app', 'secrets default/app-token', 'serviceaccounts default/app']);
    expect(s.events).toEqual([
      `legacy ${SUB}`,
      'used app-token 2018-01-01',
      'warn Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.',
      `legacy ${SUB}`,
      'used app-token 2018-01-01',
      'warn Use tokens from the TokenRequest API or manually created secret-based tokens instead of auto-generated secret-based tokens.',
    ]);
  });

  it('answers why it is refused', async () => {
    const t = legacyToken();
    const s = setup({ serviceAccounts: [SA], secrets: [holding(`${t}x`)] });
    expect(await ask(s.legacy, t)).toStrictEqual({ error: "Token does not match server's copy" });
  });

  it('looks nothing up with --service-account-lookup=false', async () => {
    const s = setup({}, { lookup: false });
    expect(await ask(s.legacy, legacyToken())).toMatchObject({ user: { username: SUB } });
    expect(s.getter.calls).toEqual([]);
  });

  it('looks up by default', async () => {
    const s = setup({});
    expect(await ask(s.legacy, legacyToken())).toStrictEqual({ error: 'Token has been invalidated' });
  });

  it('is not the legacy authenticator\'s: a bound token, garbage, an HMAC legacy token', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    expect(await ask(s.legacy, boundToken())).toBeUndefined();
    expect(await ask(s.legacy, LEGACY)).toBeUndefined();
    expect(await ask(s.legacy, signJws({ alg: 'HS256' }, { iss: 'kubernetes/serviceaccount' }))).toBeUndefined();
    expect(await ask(s.bound, legacyToken())).toBeUndefined();
  });

  it('works without observer, marker or warning hooks', async () => {
    const t = legacyToken();
    const s = setup({ serviceAccounts: [serviceAccount('default', 'app', 'sa-uid', {}, [{ name: 'app-token' }])], secrets: [holding(t)], pods: [POD] }, { observer: undefined, markLegacyUsed: undefined, warn: undefined });
    expect(await ask(s.legacy, t)).toMatchObject({ audiences: API });
    const stale = boundToken({ exp: NOW + 365 * 86400 }, k8s({ pod: { name: 'web-0', uid: 'pod-uid' }, warnafter: NOW - 10 }));
    expect(await ask(s.bound, stale)).toHaveProperty('annotations');
    expect(await ask(s.bound, stale)).toHaveProperty('annotations');
    expect(s.events).toEqual([]);
  });
});

describe('observers that implement only part of the reports, or none', () => {
  const extended = () => boundToken({ exp: NOW + 365 * 86400 }, k8s({ pod: { name: 'web-0', uid: 'pod-uid' }, warnafter: NOW + 3607 }));
  it.each([
    ['no observer', { observer: undefined }],
    ['an empty observer', { observer: {} }],
  ] as const)('answers fresh and stale hits of extended tokens and legacy tokens with %s', async (_n, more) => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] }, more as Partial<ServiceAccountAuthOptions>);
    const t = extended();
    expect(await ask(s.bound, t)).toMatchObject({ user: { username: SUB } });
    expect(await ask(s.bound, t)).toMatchObject({ user: { username: SUB } });
    s.clock.set((NOW + 7200) * 1000);
    expect(await ask(s.bound, t)).toMatchObject({ annotations: { 'authentication.k8s.io/stale-token': `subject: ${SUB}, seconds after warning threshold: 3593` } });
    expect(s.getter.calls).toHaveLength(2);
    expect(s.events).toEqual([]);
    const legacy = signJws({ alg: 'RS256', kid: RSA_KEY_ID }, { iss: 'kubernetes/serviceaccount', sub: SUB });
    expect(await ask(s.legacy, legacy)).toStrictEqual({ error: 'namespace claim is missing' });
  });
});

describe('the review cache key', () => {
  it('shares one entry between the API audiences and no requested audiences (both mean the API audiences)', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = boundToken();
    expect(await ask(s.bound, t, API)).toMatchObject({ audiences: API });
    expect(await s.bound(new PresentedToken(t), undefined)).toMatchObject({ audiences: API });
    expect(s.getter.calls).toHaveLength(2);
  });

  it('reports a legacy token without sub to the observer with an empty subject', async () => {
    const s = setup({ serviceAccounts: [SA] });
    const legacy = signJws({ alg: 'RS256', kid: RSA_KEY_ID }, { iss: 'kubernetes/serviceaccount' });
    expect(await ask(s.legacy, legacy)).toStrictEqual({ error: 'sub claim is missing' });
    expect(s.events).toEqual(['legacy ']);
  });
});

describe('cached answers cannot be changed by the callers that got them', () => {
  it('answers every later hit the same, whatever a caller did to the user it got', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] });
    const t = boundToken();
    await ask(s.bound, t);
    const hit = (await ask(s.bound, t)) as { user: { username: string; extra: Record<string, string[]> } };
    for (const change of [() => void (hit.user.username = 'system:admin'), () => void hit.user.extra['authentication.kubernetes.io/credential-id']!.push('x'), () => void (hit.user.extra.more = ['x'])]) {
      try {
        change();
      } catch {
        // a frozen answer refuses the change: what matters is the next answer
      }
    }
    expect(await ask(s.bound, t)).toStrictEqual({ user: POD_USER, audiences: API });
  });
});

describe("cacheMode 'kubernetes': kube-apiserver's 10 s success cache", () => {
  it('answers a cached token for 10 s after its pod is gone, then verifies it again; the default answers at once', async () => {
    const s = setup({ serviceAccounts: [SA], pods: [POD] }, { cacheMode: 'kubernetes' });
    const t = boundToken();
    await ask(s.bound, t);
    s.index.delete('pod-uid');
    expect(await ask(s.bound, t)).toMatchObject({ user: { username: SUB } });
    expect(s.getter.calls).toHaveLength(2);
    s.clock.set(NOW * 1000 + 10_000);
    expect(await ask(s.bound, t)).toMatchObject({ user: { username: SUB } });
    expect(s.getter.calls).toHaveLength(4);
    const d = setup({ serviceAccounts: [SA], pods: [POD] });
    await ask(d.bound, t);
    d.index.delete('pod-uid');
    await ask(d.bound, t);
    expect(d.getter.calls).toHaveLength(4);
  });
});
