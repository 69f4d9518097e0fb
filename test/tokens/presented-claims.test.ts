import { describe, expect, it } from 'vitest';
import { readClaims } from '../../src/tokens/presented-claims.js';

const LEGACY_NONE = { namespace: '', secretName: '', serviceAccountName: '', serviceAccountUID: '' };

describe('readClaims: a presented payload read once into typed claims', () => {
  it('reads the observed kubelet token of §2.3 field by field', () => {
    const payload = {
      aud: ['https://kubernetes.default.svc.cluster.local'],
      exp: 1749207355,
      iat: 1717671355,
      iss: 'https://kubernetes.default.svc.cluster.local',
      jti: 'e51f1fbc-4733-4b85-a59f-ba80c0523874',
      'kubernetes.io': {
        namespace: 'default',
        node: { name: 'contour-worker', uid: '517eb86e-b863-451b-bf70-86cb61439a3a' },
        pod: { name: 'shell', uid: '0d8b260e-ef0e-45fb-be8e-ff44f97722e8' },
        serviceaccount: { name: 'default', uid: 'e6a8680e-d103-4cce-80ea-03acbbeacf7d' },
        warnafter: 1717674962,
      },
      nbf: 1717671355,
      sub: 'system:serviceaccount:default:default',
    };
    expect(readClaims(payload)).toEqual({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:default:default',
      aud: ['https://kubernetes.default.svc.cluster.local'],
      exp: 1749207355,
      nbf: 1717671355,
      iat: 1717671355,
      jti: 'e51f1fbc-4733-4b85-a59f-ba80c0523874',
      kubernetes: {
        namespace: 'default',
        serviceaccount: { name: 'default', uid: 'e6a8680e-d103-4cce-80ea-03acbbeacf7d' },
        pod: { name: 'shell', uid: '0d8b260e-ef0e-45fb-be8e-ff44f97722e8' },
        secret: undefined,
        node: { name: 'contour-worker', uid: '517eb86e-b863-451b-bf70-86cb61439a3a' },
        warnafter: 1717674962,
      },
      legacy: LEGACY_NONE,
    });
  });

  it('reads the four flat claims of a legacy token (§3.1), with no kubernetes.io claim', () => {
    const c = readClaims({
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'default',
      'kubernetes.io/serviceaccount/secret.name': 'mytestaccount-token-pnj77',
      'kubernetes.io/serviceaccount/service-account.name': 'mytestaccount',
      'kubernetes.io/serviceaccount/service-account.uid': 'a709ef71-30e2-489a-bd19-ade97031b9db',
      sub: 'system:serviceaccount:default:mytestaccount',
    });
    expect(c).toEqual({
      iss: 'kubernetes/serviceaccount',
      sub: 'system:serviceaccount:default:mytestaccount',
      aud: [],
      exp: undefined,
      nbf: undefined,
      iat: undefined,
      jti: undefined,
      kubernetes: undefined,
      legacy: { namespace: 'default', secretName: 'mytestaccount-token-pnj77', serviceAccountName: 'mytestaccount', serviceAccountUID: 'a709ef71-30e2-489a-bd19-ade97031b9db' },
    });
  });

  it.each([
    ['a single string (go-jose accepts it)', 'api', ['api']],
    ['an empty string', '', []],
    ['a list', ['a', 'b'], ['a', 'b']],
    ['a list with values that are not strings, which are dropped', ['a', 1, null, 'b', ['c']], ['a', 'b']],
    ['an empty list', [], []],
    ['a number', 7, []],
    ['an object', { a: 'b' }, []],
    ['null', null, []],
    ['absent', undefined, []],
  ])('reads aud given as %s', (_n, aud, want) => {
    expect(readClaims({ aud }).aud).toEqual(want);
  });

  it.each([
    ['strings for numbers', { exp: '1', nbf: '2', iat: '3' }, { exp: undefined, nbf: undefined, iat: undefined }],
    ['infinities and NaN', { exp: Infinity, nbf: -Infinity, iat: NaN }, { exp: undefined, nbf: undefined, iat: undefined }],
    ['zeros', { exp: 0, nbf: 0, iat: 0 }, { exp: 0, nbf: 0, iat: 0 }],
    ['fractions', { exp: 1.5, nbf: -2, iat: 3 }, { exp: 1.5, nbf: -2, iat: 3 }],
  ])('reads the times given as %s', (_n, payload, want) => {
    expect(readClaims(payload)).toMatchObject(want);
  });

  it.each([
    ['numbers', { iss: 1, sub: 2, jti: 3 }],
    ['objects', { iss: {}, sub: [], jti: { id: 'x' } }],
  ])('reads iss, sub and jti given as %s as absent', (_n, payload) => {
    expect(readClaims(payload)).toMatchObject({ iss: undefined, sub: undefined, jti: undefined });
  });

  it('keeps an empty jti, sub and iss as they are', () => {
    expect(readClaims({ iss: '', sub: '', jti: '' })).toMatchObject({ iss: '', sub: '', jti: '' });
  });

  it.each([
    ['a list', [{ namespace: 'ns' }]],
    ['a string', 'ns'],
    ['null', null],
    ['a number', 1],
    ['false', false],
  ])('reads a kubernetes.io claim given as %s as absent', (_n, k) => {
    expect(readClaims({ 'kubernetes.io': k }).kubernetes).toBeUndefined();
  });

  it('reads an empty kubernetes.io object as no namespace and no refs', () => {
    expect(readClaims({ 'kubernetes.io': {} }).kubernetes).toEqual({ namespace: '', serviceaccount: undefined, pod: undefined, secret: undefined, node: undefined, warnafter: undefined });
  });

  it('reads a namespace that is not a string as empty', () => {
    expect(readClaims({ 'kubernetes.io': { namespace: 5 } }).kubernetes?.namespace).toBe('');
  });

  it.each([
    ['a list', [{ name: 'a', uid: 'b' }], undefined],
    ['a string', 'a', undefined],
    ['null', null, undefined],
    ['an empty object', {}, { name: '', uid: '' }],
    ['a name and uid that are not strings', { name: 1, uid: true }, { name: '', uid: '' }],
    ['a name without uid', { name: 'a' }, { name: 'a', uid: '' }],
    ['a uid without name', { uid: 'u' }, { name: '', uid: 'u' }],
  ])('reads the serviceaccount, pod and secret refs given as %s', (_n, ref, want) => {
    const k = readClaims({ 'kubernetes.io': { serviceaccount: ref, pod: ref, secret: ref } }).kubernetes!;
    expect([k.serviceaccount, k.pod, k.secret]).toEqual([want, want, want]);
  });

  it.each([
    ['with a uid', { name: 'n1', uid: 'u1' }, { name: 'n1', uid: 'u1' }],
    ['without a uid (the Node did not exist when the token was issued)', { name: 'n1' }, { name: 'n1' }],
    ['with an empty uid', { name: 'n1', uid: '' }, { name: 'n1' }],
    ['with a uid that is not a string', { name: 'n1', uid: 7 }, { name: 'n1' }],
    ['as a list', [{ name: 'n1' }], undefined],
  ])('reads the node ref %s', (_n, ref, want) => {
    const node = readClaims({ 'kubernetes.io': { node: ref } }).kubernetes!.node;
    expect(node).toEqual(want);
    if (want && !('uid' in want)) expect(Object.keys(node!)).toEqual(['name']);
  });

  it.each([
    ['a number', 1717674962, 1717674962],
    ['a string', '1717674962', undefined],
    ['zero', 0, 0],
  ])('reads warnafter given as %s', (_n, warnafter, want) => {
    expect(readClaims({ 'kubernetes.io': { warnafter } }).kubernetes!.warnafter).toBe(want);
  });

  it.each([
    ['kubernetes.io/serviceaccount/namespace', 'namespace'],
    ['kubernetes.io/serviceaccount/secret.name', 'secretName'],
    ['kubernetes.io/serviceaccount/service-account.name', 'serviceAccountName'],
    ['kubernetes.io/serviceaccount/service-account.uid', 'serviceAccountUID'],
  ])('reads the legacy claim %s into legacy.%s, and a non-string as empty', (claim, field) => {
    expect(readClaims({ [claim]: 'v' }).legacy).toEqual({ ...LEGACY_NONE, [field]: 'v' });
    expect(readClaims({ [claim]: 1 }).legacy).toEqual(LEGACY_NONE);
  });
});
