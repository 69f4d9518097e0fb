import { describe, expect, it } from 'vitest';
import { TokenValidationError, validateBoundClaims, validateTimes, type StaleTokenObserver } from '../../src/auth/authenticators/bound-validator.js';
import { readClaims } from '../../src/tokens/presented-claims.js';
import type { ServiceAccountInfo } from '../../src/registry/service-account-info.js';
import { at, FakeGetter, manualClock, node, NOW, pod, secret, serviceAccount } from '../tokens/fixtures.js';

/**
 * pkg/serviceaccount/claims_test.go TestValidatePrivateClaims, in the 1.30+ order of claims.go
 * (UID before deletion), with the node-bound and pod→node cases of KEP-4193 added.
 */
const SA = serviceAccount('ns', 'saname', 'sauid');
const SECRET = secret('ns', 'secretname', 'secretuid');
const POD = pod('ns', 'podname', 'poduid');
const NODE = node('nodename', 'nodeuid');

const k8s = (extra: Record<string, unknown> = {}) => ({ namespace: 'ns', serviceaccount: { name: 'saname', uid: 'sauid' }, ...extra });
const claims = (k: Record<string, unknown> = k8s(), std: Record<string, unknown> = { exp: NOW }) => readClaims({ sub: 'system:serviceaccount:ns:saname', ...std, 'kubernetes.io': k });

function validate(getter: FakeGetter, c = claims(), clockSeconds = NOW, observer?: StaleTokenObserver) {
  return validateBoundClaims(c, { getter, clock: manualClock(clockSeconds), ...(observer ? { observer } : {}) });
}
async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

describe('validateBoundClaims (claims.go validator.Validate)', () => {
  it.each([
    ['good', new FakeGetter({ serviceAccounts: [SA] }), claims(), ''],
    ['expired', new FakeGetter({ serviceAccounts: [SA] }), claims(k8s(), { exp: NOW - 1000 * 3600 }), 'service account token has expired'],
    ['not yet valid', new FakeGetter({ serviceAccounts: [SA] }), claims(k8s(), { exp: NOW, nbf: NOW + 1000 * 3600 }), 'service account token is not valid yet'],
    ['issued in the future', new FakeGetter({ serviceAccounts: [SA] }), claims(k8s(), { exp: NOW + 7200, iat: NOW + 3600 }), 'service account token is issued in the future'],
    ['missing serviceaccount', new FakeGetter({}), claims(), 'serviceaccounts "saname" not found'],
    ['missing secret', new FakeGetter({ serviceAccounts: [SA] }), claims(k8s({ secret: { name: 'secretname', uid: 'secretuid' } })), 'service account token has been invalidated'],
    ['missing pod', new FakeGetter({ serviceAccounts: [SA] }), claims(k8s({ pod: { name: 'podname', uid: 'poduid' } })), 'service account token has been invalidated'],
    ['missing node of a node-bound token', new FakeGetter({ serviceAccounts: [SA] }), claims(k8s({ node: { name: 'nodename', uid: 'nodeuid' } })), 'service account token has been invalidated'],
    ['different uid serviceaccount', new FakeGetter({ serviceAccounts: [SA] }), claims(k8s({ serviceaccount: { name: 'saname', uid: 'sauidold' } })), 'service account UID (sauid) does not match claim (sauidold)'],
    ['different uid secret', new FakeGetter({ serviceAccounts: [SA], secrets: [SECRET] }), claims(k8s({ secret: { name: 'secretname', uid: 'secretuidold' } })), 'secret UID (secretuid) does not match service account secret ref claim (secretuidold)'],
    ['different uid pod', new FakeGetter({ serviceAccounts: [SA], pods: [POD] }), claims(k8s({ pod: { name: 'podname', uid: 'poduidold' } })), 'pod UID (poduid) does not match service account pod ref claim (poduidold)'],
    ['different uid node', new FakeGetter({ serviceAccounts: [SA], nodes: [NODE] }), claims(k8s({ node: { name: 'nodename', uid: 'nodeuidold' } })), 'node UID (nodeuid) does not match service account node ref claim (nodeuidold)'],
    ['a node-bound token without a node uid, the node now having one', new FakeGetter({ serviceAccounts: [SA], nodes: [NODE] }), claims(k8s({ node: { name: 'nodename' } })), 'node UID (nodeuid) does not match service account node ref claim ()'],
    ['no kubernetes.io claim at all (no service account named)', new FakeGetter({ serviceAccounts: [SA] }), readClaims({ exp: NOW }), 'serviceaccounts "" not found'],
  ])('%s', async (_n, getter, c, want) => {
    expect(await errorOf(validate(getter, c))).toBe(want);
  });

  it('throws TokenValidationError for its own refusals, and the getter error itself for a missing service account', async () => {
    await expect(validate(new FakeGetter({ serviceAccounts: [SA] }), claims(k8s(), { exp: NOW - 3600 }))).rejects.toBeInstanceOf(TokenValidationError);
    await expect(validate(new FakeGetter({}))).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
  });

  const deletionCases: Array<[string, number | undefined, boolean]> = [
    ['valid', undefined, false],
    ['deleted now', NOW, false],
    ['deleted near past', NOW - 1, false],
    ['deleted near future', NOW + 1, false],
    ['deleted now-leeway', NOW - 60, false],
    ['deleted now-leeway-1', NOW - 61, true],
  ];
  describe.each(deletionCases)('%s', (_n, deletedAt, expectErr) => {
    const d = deletedAt === undefined ? {} : { deletionTimestamp: at(deletedAt) };
    it.each([
      ['serviceaccount', new FakeGetter({ serviceAccounts: [serviceAccount('ns', 'saname', 'sauid', d)] }), k8s(), 'service account ns/saname has been deleted'],
      ['secret', new FakeGetter({ serviceAccounts: [SA], secrets: [secret('ns', 'secretname', 'secretuid', d)] }), k8s({ secret: { name: 'secretname', uid: 'secretuid' } }), 'service account token has been invalidated'],
      ['pod', new FakeGetter({ serviceAccounts: [SA], pods: [pod('ns', 'podname', 'poduid', d)] }), k8s({ pod: { name: 'podname', uid: 'poduid' } }), 'service account token has been invalidated'],
      ['node', new FakeGetter({ serviceAccounts: [SA], nodes: [node('nodename', 'nodeuid', d)] }), k8s({ node: { name: 'nodename', uid: 'nodeuid' } }), 'service account token has been invalidated'],
    ])('%s', async (_kind, getter, k, message) => {
      expect(await errorOf(validate(getter, claims(k)))).toBe(expectErr ? message : '');
    });
  });

  it.each([
    ['serviceaccount', new FakeGetter({ serviceAccounts: [serviceAccount('ns', 'saname', 'sanew', { deletionTimestamp: at(NOW - 3600) })] }), k8s(), 'service account UID (sanew) does not match claim (sauid)'],
    ['secret', new FakeGetter({ serviceAccounts: [SA], secrets: [secret('ns', 'secretname', 'secretnew', { deletionTimestamp: at(NOW - 3600) })] }), k8s({ secret: { name: 'secretname', uid: 'secretuid' } }), 'secret UID (secretnew) does not match service account secret ref claim (secretuid)'],
    ['pod', new FakeGetter({ serviceAccounts: [SA], pods: [pod('ns', 'podname', 'podnew', { deletionTimestamp: at(NOW - 3600) })] }), k8s({ pod: { name: 'podname', uid: 'poduid' } }), 'pod UID (podnew) does not match service account pod ref claim (poduid)'],
    ['node', new FakeGetter({ serviceAccounts: [SA], nodes: [node('nodename', 'nodenew', { deletionTimestamp: at(NOW - 3600) })] }), k8s({ node: { name: 'nodename', uid: 'nodeuid' } }), 'node UID (nodenew) does not match service account node ref claim (nodeuid)'],
  ])('checks the %s UID before its deletion (1.30+ order)', async (_n, getter, k, message) => {
    expect(await errorOf(validate(getter, claims(k)))).toBe(message);
  });

  it('checks the service account before the bound secret, and the secret before the pod', async () => {
    const none = new FakeGetter({});
    expect(await errorOf(validate(none, claims(k8s({ secret: { name: 'secretname', uid: 'secretuid' }, pod: { name: 'podname', uid: 'poduid' } }))))).toBe('serviceaccounts "saname" not found');
    expect(none.calls).toEqual(['serviceaccounts ns/saname']);
    const saOnly = new FakeGetter({ serviceAccounts: [SA], pods: [POD] });
    expect(await errorOf(validate(saOnly, claims(k8s({ secret: { name: 'secretname', uid: 'secretuid' }, pod: { name: 'podname', uid: 'poduid' } }))))).toBe('service account token has been invalidated');
    expect(saOnly.calls).toEqual(['serviceaccounts ns/saname', 'secrets ns/secretname']);
  });

  it('looks objects up in the namespace of the claim', async () => {
    const getter = new FakeGetter({ serviceAccounts: [SA], pods: [POD] });
    await validate(getter, claims(k8s({ pod: { name: 'podname', uid: 'poduid' } })));
    expect(getter.calls).toEqual(['serviceaccounts ns/saname', 'pods ns/podname']);
  });

  it('answers the service account info with the pod and node of a pod-bound token, never looking the node up', async () => {
    const getter = new FakeGetter({ serviceAccounts: [SA], pods: [POD] });
    const v = await validate(getter, claims(k8s({ pod: { name: 'podname', uid: 'poduid' }, node: { name: 'nodename', uid: 'nodeuid' } }), { exp: NOW + 600, jti: 'the-jti' }));
    expect(getter.calls).toEqual(['serviceaccounts ns/saname', 'pods ns/podname']);
    expect(v).toEqual({
      info: { name: 'saname', namespace: 'ns', uid: 'sauid', podName: 'podname', podUID: 'poduid', nodeName: 'nodename', nodeUID: 'nodeuid', credentialID: 'JTI=the-jti' },
      exp: NOW + 600,
      warnAfter: undefined,
      boundUid: 'poduid',
      sub: 'system:serviceaccount:ns:saname',
    });
  });

  it('leaves out the node uid a pod-bound token was issued without', async () => {
    const v = await validate(new FakeGetter({ serviceAccounts: [SA], pods: [POD] }), claims(k8s({ pod: { name: 'podname', uid: 'poduid' }, node: { name: 'nodename' } })));
    expect(v.info).toEqual({ name: 'saname', namespace: 'ns', uid: 'sauid', podName: 'podname', podUID: 'poduid', nodeName: 'nodename' });
  });

  it('answers a node-bound token with the node, bound to the node UID', async () => {
    const getter = new FakeGetter({ serviceAccounts: [SA], nodes: [NODE] });
    const v = await validate(getter, claims(k8s({ node: { name: 'nodename', uid: 'nodeuid' } })));
    expect(getter.calls).toEqual(['serviceaccounts ns/saname', 'nodes nodename']);
    expect(v.info).toEqual({ name: 'saname', namespace: 'ns', uid: 'sauid', nodeName: 'nodename', nodeUID: 'nodeuid' });
    expect(v.boundUid).toBe('nodeuid');
  });

  it('answers a secret-bound token bound to the secret UID, without pod or node', async () => {
    const v = await validate(new FakeGetter({ serviceAccounts: [SA], secrets: [SECRET] }), claims(k8s({ secret: { name: 'secretname', uid: 'secretuid' } })));
    expect(v).toEqual({ info: { name: 'saname', namespace: 'ns', uid: 'sauid' }, exp: NOW, warnAfter: undefined, boundUid: 'secretuid', sub: 'system:serviceaccount:ns:saname' });
  });

  it('answers an unbound token without a bound UID, credential id or sub it was not given', async () => {
    const v = await validate(new FakeGetter({ serviceAccounts: [SA] }), readClaims({ exp: NOW, jti: '', 'kubernetes.io': k8s() }));
    expect(v).toEqual({ info: { name: 'saname', namespace: 'ns', uid: 'sauid' }, exp: NOW, warnAfter: undefined, boundUid: undefined, sub: '' });
  });

  it('survives a getter that rejects asynchronously for the bound objects', async () => {
    const getter = {
      getServiceAccount: async () => SA,
      getPod: async () => Promise.reject(new Error('etcd is down')),
      getSecret: async () => Promise.reject(new Error('etcd is down')),
      getNode: async () => Promise.reject(new Error('etcd is down')),
    };
    for (const k of [{ pod: { name: 'p', uid: 'u' } }, { secret: { name: 's', uid: 'u' } }, { node: { name: 'n', uid: 'u' } }]) {
      expect(await errorOf(validateBoundClaims(claims(k8s(k)), { getter, clock: manualClock() }))).toBe('service account token has been invalidated');
    }
  });
});

describe('warnafter of extended tokens (§4.3 step 8): reported, never an error', () => {
  const observed = () => {
    const seen: string[] = [];
    const observer: StaleTokenObserver = { stale: (sub, n, info) => seen.push(`stale ${sub} ${n} ${info.name}`), valid: (info: ServiceAccountInfo) => seen.push(`valid ${info.name}`) };
    return { seen, observer };
  };
  const withWarn = (warnafter: number) => claims(k8s({ pod: { name: 'podname', uid: 'poduid' }, warnafter }), { exp: NOW + 365 * 86400 });

  it.each([
    ['past warnafter', NOW - 120, ['stale system:serviceaccount:ns:saname 120 saname']],
    ['one second past warnafter', NOW - 1, ['stale system:serviceaccount:ns:saname 1 saname']],
    ['at warnafter', NOW, ['valid saname']],
    ['before warnafter', NOW + 1, ['valid saname']],
  ])('reports a token %s', async (_n, warnafter, want) => {
    const { seen, observer } = observed();
    const v = await validate(new FakeGetter({ serviceAccounts: [SA], pods: [POD] }), withWarn(warnafter), NOW, observer);
    expect(seen).toEqual(want);
    expect(v.warnAfter).toBe(warnafter);
  });

  it('reports nothing for a token without warnafter (Kubernetes counts only extended tokens)', async () => {
    const { seen, observer } = observed();
    const v = await validate(new FakeGetter({ serviceAccounts: [SA] }), claims(), NOW, observer);
    expect(seen).toEqual([]);
    expect(v.warnAfter).toBeUndefined();
  });

  it('reads a warnafter of 0 as none', async () => {
    const { seen, observer } = observed();
    const v = await validate(new FakeGetter({ serviceAccounts: [SA], pods: [POD] }), withWarn(0), NOW, observer);
    expect(seen).toEqual([]);
    expect(v.warnAfter).toBeUndefined();
  });

  it('reports a stale token only once it is valid in every other way', async () => {
    const { seen, observer } = observed();
    await expect(validate(new FakeGetter({ serviceAccounts: [SA] }), withWarn(NOW - 100), NOW, observer)).rejects.toThrow('service account token has been invalidated');
    expect(seen).toEqual([]);
  });

  it('accepts observers that implement only one of the two reports', async () => {
    const getter = new FakeGetter({ serviceAccounts: [SA], pods: [POD] });
    await expect(validate(getter, withWarn(NOW - 5), NOW, {})).resolves.toBeDefined();
    await expect(validate(getter, withWarn(NOW + 5), NOW, {})).resolves.toBeDefined();
  });
});

describe('validateBoundClaims: what it looks up and returns when claims are missing', () => {
  it('reports stale and fresh extended tokens without an observer at all', async () => {
    const getter = new FakeGetter({ serviceAccounts: [SA], pods: [POD] });
    const c = (warnafter: number) => claims(k8s({ pod: { name: 'podname', uid: 'poduid' }, warnafter }), { exp: NOW + 365 * 86400 });
    await expect(validateBoundClaims(c(NOW - 5), { getter, clock: manualClock() })).resolves.toMatchObject({ warnAfter: NOW - 5 });
    await expect(validateBoundClaims(c(NOW + 5), { getter, clock: manualClock() })).resolves.toMatchObject({ warnAfter: NOW + 5 });
  });

  it('looks up the service account "" in the namespace "" for a token without the kubernetes.io claim', async () => {
    const getter = new FakeGetter({ serviceAccounts: [SA] });
    await expect(validate(getter, readClaims({ exp: NOW }))).rejects.toThrow('serviceaccounts "" not found');
    expect(getter.calls).toEqual(['serviceaccounts /']);
  });

  it('leaves nodeUID out (not undefined) for a pod-bound token whose node claim has no uid', async () => {
    const getter = new FakeGetter({ serviceAccounts: [SA], pods: [POD] });
    const v = await validate(getter, claims(k8s({ pod: { name: 'podname', uid: 'poduid' }, node: { name: 'nodename' } })));
    expect(v.info).toStrictEqual({ name: 'saname', namespace: 'ns', uid: 'sauid', podName: 'podname', podUID: 'poduid', nodeName: 'nodename' });
  });
});

describe("validateTimes: go-jose's Claims.Validate with 60 s leeway, nbf then exp then iat", () => {
  const ok = (c: { nbf?: number; exp?: number; iat?: number }, now = NOW) => {
    try {
      validateTimes({ nbf: undefined, exp: undefined, iat: undefined, ...c }, now);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it.each([
    ['no times at all', {}, ''],
    ['exp 60 s ago', { exp: NOW - 60 }, ''],
    ['exp 61 s ago', { exp: NOW - 61 }, 'service account token has expired'],
    ['nbf 60 s ahead', { nbf: NOW + 60 }, ''],
    ['nbf 61 s ahead', { nbf: NOW + 61 }, 'service account token is not valid yet'],
    ['iat 60 s ahead', { iat: NOW + 60 }, ''],
    ['iat 61 s ahead', { iat: NOW + 61 }, 'service account token is issued in the future'],
    ['nbf ahead and exp past (nbf first)', { nbf: NOW + 100, exp: NOW - 100 }, 'service account token is not valid yet'],
    ['exp past and iat ahead (exp first)', { exp: NOW - 100, iat: NOW + 100 }, 'service account token has expired'],
    ['times of 0 (the epoch)', { nbf: 0, exp: 0, iat: 0 }, 'service account token has expired'],
  ])('%s', (_n, c, want) => {
    expect(ok(c)).toBe(want);
  });

  it('compares whole seconds of the clock (a token 60 s past exp stays valid for that whole second)', async () => {
    const c = claims(k8s(), { exp: NOW - 60 });
    const clock = manualClock();
    clock.set(NOW * 1000 + 999);
    await expect(validateBoundClaims(c, { getter: new FakeGetter({ serviceAccounts: [SA] }), clock })).resolves.toBeDefined();
    clock.set((NOW + 1) * 1000);
    await expect(validateBoundClaims(c, { getter: new FakeGetter({ serviceAccounts: [SA] }), clock })).rejects.toThrow('service account token has expired');
  });

  it('measures deletion against the whole second too', async () => {
    const clock = manualClock();
    clock.set((NOW + 60) * 1000 + 999);
    const getter = new FakeGetter({ serviceAccounts: [serviceAccount('ns', 'saname', 'sauid', { deletionTimestamp: at(NOW) })] });
    await expect(validateBoundClaims(claims(k8s(), { exp: NOW + 100 }), { getter, clock })).resolves.toBeDefined();
  });
});
