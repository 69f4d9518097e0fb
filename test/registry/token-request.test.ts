import { describe, expect, it } from 'vitest';
import { StatusError } from '../../src/errors/index.js';
import { kindInfo } from '../../src/registry/kinds.js';
import { createTokenRequest, type TokenAdmission, type TokenRequestConfig } from '../../src/registry/token-request.js';
import type { Node, Pod } from '../../src/registry/types.js';
import { decodeJws } from '../../src/tokens/jws.js';
import { FakeGetter, manualClock, node, NOW, pod, rsaKeys, secret, serviceAccount } from '../tokens/fixtures.js';

/**
 * TokenREST.Create (pkg/registry/core/serviceaccount/storage/token.go) on its own, against a
 * getter of fixed objects: defaulting, validation (pkg/apis/authentication/validation), the
 * bound-object resolution, the max-expiration clamp and the 3607-second extension, with
 * Kubernetes' messages.
 */
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const SA = serviceAccount('ns', 'app', 'sa-uid');
const RUNNING = (nodeName?: string, saName = 'app'): Pod => ({ ...pod('ns', 'web-0', 'pod-uid'), spec: { containers: [], serviceAccountName: saName, ...(nodeName ? { nodeName } : {}) } }) as unknown as Pod;
const NODE = node('node-1', 'node-uid');
const YEAR = 365 * 24 * 3600;

const config = (more: Partial<TokenRequestConfig> = {}): TokenRequestConfig => ({ issuers: [ISSUER, 'https://old'], apiAudiences: [ISSUER, 'api'], maxExpirationSeconds: 0, extendExpiration: true, ...more });

class ThrowingGetter extends FakeGetter {
  constructor(
    objects: ConstructorParameters<typeof FakeGetter>[0],
    private readonly error: Error = new Error('informer broke'),
  ) {
    super(objects);
  }
  override getNode(): Node {
    throw this.error;
  }
}

function create(body: unknown, o: { getter?: FakeGetter; cfg?: Partial<TokenRequestConfig>; admission?: TokenAdmission; name?: string; namespace?: string } = {}) {
  const getter = o.getter ?? new FakeGetter({ serviceAccounts: [SA], pods: [RUNNING('node-1')], nodes: [NODE], secrets: [secret('ns', 's', 'secret-uid')] });
  return createTokenRequest({ config: config(o.cfg), getter, keys: rsaKeys, clock: manualClock(NOW), ...(o.admission ? { admission: o.admission } : {}) }, o.namespace ?? 'ns', o.name ?? 'app', body);
}
const payload = (token: string) => decodeJws(token)!.payload;
async function statusOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return { code: e.code, reason: e.reason, message: e.message };
    throw e;
  }
  throw new Error('expected a StatusError');
}
const podRef = (more: Record<string, unknown> = {}) => ({ kind: 'Pod', apiVersion: 'v1', name: 'web-0', ...more });

describe('TokenRequest defaulting and the token it signs', () => {
  it('defaults to the API audiences and an hour, and names the request after the service account', async () => {
    const r = await create({});
    expect(r.tokenRequest.spec).toEqual({ audiences: [ISSUER, 'api'], expirationSeconds: 3600, boundObjectRef: null });
    expect(r.tokenRequest.metadata).toEqual({ name: 'app', namespace: 'ns', creationTimestamp: '2018-01-01T00:00:00Z' });
    expect(r.tokenRequest.status.expirationTimestamp).toBe('2018-01-01T01:00:00Z');
    expect([r.tokenRequest.kind, r.tokenRequest.apiVersion]).toEqual(['TokenRequest', 'authentication.k8s.io/v1']);
    expect(r.warnings).toEqual([]);
    const p = payload(r.tokenRequest.status.token);
    expect(p).toMatchObject({ iss: ISSUER, aud: [ISSUER, 'api'], sub: 'system:serviceaccount:ns:app', iat: NOW, nbf: NOW, exp: NOW + 3600, 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'app', uid: 'sa-uid' } } });
    expect(r.issued).toStrictEqual({ jti: p.jti, namespace: 'ns', serviceAccount: { name: 'app', uid: 'sa-uid' }, issuedAt: NOW, expiresAt: NOW + 3600, audiences: [ISSUER, 'api'] });
  });

  it.each([null, undefined, { spec: null }, { spec: { audiences: null, expirationSeconds: null, boundObjectRef: null } }, { spec: { audiences: [] } }])('defaults a body of %j', async (body) => {
    const r = await create(body);
    expect(r.tokenRequest.spec).toEqual({ audiences: [ISSUER, 'api'], expirationSeconds: 3600, boundObjectRef: null });
  });

  it('keeps requested audiences and expiration', async () => {
    const r = await create({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault', 'x'], expirationSeconds: 7200 } });
    expect(r.tokenRequest.spec).toEqual({ audiences: ['vault', 'x'], expirationSeconds: 7200, boundObjectRef: null });
    expect(payload(r.tokenRequest.status.token)).toMatchObject({ aud: ['vault', 'x'], exp: NOW + 7200 });
  });

  it('warns when the request names another UID than the service account has (TokenRequestServiceAccountUIDValidation off)', async () => {
    expect((await create({ metadata: { uid: 'other' } })).warnings).toEqual([
      'the UID in the token request (other) does not match the UID of the service account (sa-uid) but TokenRequestServiceAccountUIDValidation is not enabled. In the future, this will return a conflict error',
    ]);
    expect((await create({ metadata: { uid: 'sa-uid', name: 'app', namespace: 'ns' } })).warnings).toEqual([]);
  });
});

describe('TokenRequest refusals', () => {
  it.each<[string, unknown, { code: number; reason: string; message: string }]>([
    ['another name', { metadata: { name: 'other' } }, { code: 422, reason: 'Invalid', message: 'TokenRequest.authentication.k8s.io "app" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified' }],
    ['another namespace', { metadata: { namespace: 'other' } }, { code: 422, reason: 'Invalid', message: 'TokenRequest.authentication.k8s.io "app" is invalid: metadata.namespace: Invalid value: "other": must match the service account namespace if specified' }],
    ['less than 10 minutes', { spec: { expirationSeconds: 599 } }, { code: 422, reason: 'Invalid', message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes' }],
    ['more than 2^32 seconds', { spec: { expirationSeconds: 2 ** 32 + 1 } }, { code: 422, reason: 'Invalid', message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds' }],
    ['audiences that are not strings', { spec: { audiences: ['a', 1] } }, { code: 400, reason: 'BadRequest', message: 'spec.audiences must be a list of strings' }],
    ['audiences that are not a list', { spec: { audiences: 'a' } }, { code: 400, reason: 'BadRequest', message: 'spec.audiences must be a list of strings' }],
    ['a fractional expiration', { spec: { expirationSeconds: 3600.5 } }, { code: 400, reason: 'BadRequest', message: 'spec.expirationSeconds must be an integer, got 3600.5' }],
    ['an expiration that is a string', { spec: { expirationSeconds: '3600' } }, { code: 400, reason: 'BadRequest', message: 'spec.expirationSeconds must be an integer, got "3600"' }],
    ['a boundObjectRef that is a list', { spec: { boundObjectRef: [] } }, { code: 400, reason: 'BadRequest', message: 'spec.boundObjectRef must be an object' }],
    ['another kind', { kind: 'Pod', spec: {} }, { code: 400, reason: 'BadRequest', message: 'the kind in the data (Pod) does not match the expected kind (TokenRequest)' }],
    ['another API version', { apiVersion: 'authentication.k8s.io/v1beta1' }, { code: 400, reason: 'BadRequest', message: 'the API version in the data (authentication.k8s.io/v1beta1) does not match the expected API version (authentication.k8s.io/v1)' }],
    ['a body that is not an object', 'token please', { code: 400, reason: 'BadRequest', message: 'the body of the request was not a TokenRequest object' }],
    ['a boundObjectRef that is a string', { spec: { boundObjectRef: 'pod' } }, { code: 400, reason: 'BadRequest', message: 'spec.boundObjectRef must be an object' }],
  ])('%s', async (_n, body, want) => {
    expect(await statusOf(create(body))).toEqual(want);
  });

  it('accepts the bounds themselves: 600 seconds and 2^32 seconds', async () => {
    expect((await create({ spec: { expirationSeconds: 600 } })).tokenRequest.spec.expirationSeconds).toBe(600);
    expect((await create({ spec: { expirationSeconds: 2 ** 32 } })).tokenRequest.spec.expirationSeconds).toBe(2 ** 32);
  });

  it('needs a namespace and an existing service account', async () => {
    expect(await statusOf(create({}, { namespace: '' }))).toEqual({ code: 400, reason: 'BadRequest', message: 'namespace is required' });
    expect(await statusOf(create({}, { name: 'ghost' }))).toEqual({ code: 404, reason: 'NotFound', message: 'serviceaccounts "ghost" not found' });
  });
});

describe('bound object references', () => {
  it('binds to a pod and its node (the node looked up for its UID)', async () => {
    const r = await create({ spec: { boundObjectRef: podRef() } });
    expect(payload(r.tokenRequest.status.token)['kubernetes.io']).toEqual({ namespace: 'ns', serviceaccount: { name: 'app', uid: 'sa-uid' }, pod: { name: 'web-0', uid: 'pod-uid' }, node: { name: 'node-1', uid: 'node-uid' } });
    expect(r.issued).toMatchObject({ bound: { kind: 'Pod', name: 'web-0', uid: 'pod-uid' }, node: { name: 'node-1', uid: 'node-uid' } });
    expect(r.tokenRequest.spec.boundObjectRef).toEqual(podRef());
  });

  it('binds to a pod on a node that is gone with the node name alone, and to an unscheduled pod without a node', async () => {
    const gone = await create({ spec: { boundObjectRef: podRef() } }, { getter: new FakeGetter({ serviceAccounts: [SA], pods: [RUNNING('node-9')] }) });
    expect(payload(gone.tokenRequest.status.token)['kubernetes.io']).toMatchObject({ node: { name: 'node-9' } });
    expect((payload(gone.tokenRequest.status.token)['kubernetes.io'] as { node: object }).node).toStrictEqual({ name: 'node-9' });
    const pending = await create({ spec: { boundObjectRef: podRef() } }, { getter: new FakeGetter({ serviceAccounts: [SA], pods: [RUNNING()] }) });
    expect(payload(pending.tokenRequest.status.token)['kubernetes.io']).not.toHaveProperty('node');
    expect(pending.issued).not.toHaveProperty('node');
  });

  it('answers a failing node lookup (not a 404) with a 500', async () => {
    expect(await statusOf(create({ spec: { boundObjectRef: podRef() } }, { getter: new ThrowingGetter({ serviceAccounts: [SA], pods: [RUNNING('node-1')] }) }))).toEqual({ code: 500, reason: 'InternalError', message: 'Internal error occurred: informer broke' });
  });

  it('answers a node lookup failing with another status than 404 with a 500 too', async () => {
    const getter = new ThrowingGetter({ serviceAccounts: [SA], pods: [RUNNING('node-1')] }, new StatusError(503, 'ServiceUnavailable', 'etcd is down'));
    expect(await statusOf(create({ spec: { boundObjectRef: podRef() } }, { getter }))).toEqual({ code: 500, reason: 'InternalError', message: 'Internal error occurred: etcd is down' });
  });

  it('binds to a secret and to a node', async () => {
    const s = await create({ spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's' } } });
    expect(payload(s.tokenRequest.status.token)['kubernetes.io']).toEqual({ namespace: 'ns', serviceaccount: { name: 'app', uid: 'sa-uid' }, secret: { name: 's', uid: 'secret-uid' } });
    expect(s.issued.bound).toEqual({ kind: 'Secret', name: 's', uid: 'secret-uid' });
    const n = await create({ spec: { boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: 'node-1', uid: 'node-uid' } } });
    expect(payload(n.tokenRequest.status.token)['kubernetes.io']).toEqual({ namespace: 'ns', serviceaccount: { name: 'app', uid: 'sa-uid' }, node: { name: 'node-1', uid: 'node-uid' } });
    expect(n.issued).toMatchObject({ bound: { kind: 'Node', name: 'node-1', uid: 'node-uid' }, node: { name: 'node-1', uid: 'node-uid' } });
  });

  it.each<[string, Record<string, unknown>, { code: number; reason: string; message: string }]>([
    ['a pod of another service account', podRef(), { code: 400, reason: 'BadRequest', message: 'cannot bind token for serviceaccount "app" to pod running with different serviceaccount name.' }],
    ['a pod UID that is not the pod\'s', podRef({ uid: 'old' }), { code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on Pod "web-0": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated' }],
    ['a secret UID that is not the secret\'s', { kind: 'Secret', apiVersion: 'v1', name: 's', uid: 'old' }, { code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on Secret "s": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated' }],
    ['a node UID that is not the node\'s', { kind: 'Node', apiVersion: 'v1', name: 'node-1', uid: 'old' }, { code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on Node "node-1": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated' }],
    ['a missing pod', podRef({ name: 'ghost' }), { code: 404, reason: 'NotFound', message: 'pods "ghost" not found' }],
    ['a missing secret', { kind: 'Secret', apiVersion: 'v1', name: 'ghost' }, { code: 404, reason: 'NotFound', message: 'secrets "ghost" not found' }],
    ['a missing node', { kind: 'Node', apiVersion: 'v1', name: 'ghost' }, { code: 404, reason: 'NotFound', message: 'nodes "ghost" not found' }],
    ['a kind Kubernetes does not bind', { kind: 'Deployment', apiVersion: 'apps/v1', name: 'd' }, { code: 400, reason: 'BadRequest', message: 'cannot bind token to object of type apps/v1, Kind=Deployment' }],
    ['a Pod of a non-core group', { kind: 'Pod', apiVersion: 'example.com/v1', name: 'web-0' }, { code: 400, reason: 'BadRequest', message: 'cannot bind token to object of type example.com/v1, Kind=Pod' }],
    ['a Secret of a non-core group', { kind: 'Secret', apiVersion: 'example.com/v1', name: 's' }, { code: 400, reason: 'BadRequest', message: 'cannot bind token to object of type example.com/v1, Kind=Secret' }],
    ['a Node of a non-core group', { kind: 'Node', apiVersion: 'example.com/v1', name: 'node-1' }, { code: 400, reason: 'BadRequest', message: 'cannot bind token to object of type example.com/v1, Kind=Node' }],
    ['a kind in lower case', { kind: 'pod', apiVersion: 'v1', name: 'web-0' }, { code: 400, reason: 'BadRequest', message: 'cannot bind token to object of type /v1, Kind=pod' }],
    ['no kind', { apiVersion: 'v1', name: 'web-0' }, { code: 400, reason: 'BadRequest', message: 'cannot bind token to object of type /v1, Kind=' }],
  ])('refuses %s', async (n, ref, want) => {
    const pods = [n.startsWith('a pod of another') ? RUNNING('node-1', 'other') : RUNNING('node-1')];
    expect(await statusOf(create({ spec: { boundObjectRef: ref } }, { getter: new FakeGetter({ serviceAccounts: [SA], pods, nodes: [NODE], secrets: [secret('ns', 's', 'secret-uid')] }) }))).toEqual(want);
  });

  it('reads a pod without serviceAccountName as running as "default"', async () => {
    const dflt = serviceAccount('ns', 'default', 'd-uid');
    const bare = { ...pod('ns', 'web-0', 'pod-uid'), spec: { containers: [] } } as unknown as Pod;
    const r = await create({ spec: { boundObjectRef: podRef() } }, { name: 'default', getter: new FakeGetter({ serviceAccounts: [dflt], pods: [bare] }) });
    expect(r.issued.bound).toEqual({ kind: 'Pod', name: 'web-0', uid: 'pod-uid' });
  });
});

describe('--service-account-max-token-expiration and the 3607-second extension', () => {
  it('shortens a longer request to the maximum, with the warning, and leaves others alone', async () => {
    const r = await create({ spec: { expirationSeconds: 7200 } }, { cfg: { maxExpirationSeconds: 3600 } });
    expect(r.warnings).toEqual(['requested expiration of 7200 seconds shortened to 3600 seconds']);
    expect(r.tokenRequest.spec.expirationSeconds).toBe(3600);
    expect(payload(r.tokenRequest.status.token).exp).toBe(NOW + 3600);
    const same = await create({ spec: { expirationSeconds: 3600 } }, { cfg: { maxExpirationSeconds: 3600 } });
    expect(same.warnings).toEqual([]);
  });

  it('extends a pod-bound 3607-second token for the API audiences to a year, warning after 3607 s; status says 3607 s', async () => {
    const r = await create({ spec: { expirationSeconds: 3607, boundObjectRef: podRef() } });
    const p = payload(r.tokenRequest.status.token);
    expect(p.exp).toBe(NOW + YEAR);
    expect((p['kubernetes.io'] as { warnafter: number }).warnafter).toBe(NOW + 3607);
    expect(r.tokenRequest.status.expirationTimestamp).toBe('2018-01-01T01:00:07Z');
    expect(r.issued).toMatchObject({ expiresAt: NOW + YEAR, warnAfter: NOW + 3607 });
  });

  it('extends to --service-account-max-extended-token-expiration when set', async () => {
    const r = await create({ spec: { expirationSeconds: 3607, boundObjectRef: podRef(), audiences: ['api'] } }, { cfg: { maxExtendedExpirationSeconds: 86400 } });
    expect(payload(r.tokenRequest.status.token).exp).toBe(NOW + 86400);
  });

  it.each<[string, Record<string, unknown>, Partial<TokenRequestConfig>]>([
    ['with the extension turned off', { expirationSeconds: 3607, boundObjectRef: podRef() }, { extendExpiration: false }],
    ['for a secret-bound token', { expirationSeconds: 3607, boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's' } }, {}],
    ['for an unbound token', { expirationSeconds: 3607 }, {}],
    ['for 3608 seconds', { expirationSeconds: 3608, boundObjectRef: podRef() }, {}],
    ['when an audience is not an API audience (mixed audiences)', { expirationSeconds: 3607, boundObjectRef: podRef(), audiences: [ISSUER, 'vault'] }, {}],
  ])('does not extend %s', async (_n, spec, cfg) => {
    const r = await create({ spec }, { cfg });
    const p = payload(r.tokenRequest.status.token);
    expect(p.exp).toBe(NOW + (spec.expirationSeconds as number));
    expect(p['kubernetes.io']).not.toHaveProperty('warnafter');
    expect(r.issued).not.toHaveProperty('warnAfter');
  });
});

describe('admission', () => {
  it('sees the request as sent (audiences not yet defaulted), with the service account resource and the token subresource', async () => {
    const seen: unknown[] = [];
    const admission = { serviceAccounts: kindInfo('ServiceAccount')!, run: async (a: unknown) => void seen.push(structuredClone(a)) } as unknown as TokenAdmission;
    await create({ spec: { expirationSeconds: 1200 } }, { admission });
    expect(seen).toEqual([
      expect.objectContaining({ operation: 'CREATE', subresource: 'token', namespace: 'ns', name: 'app', dryRun: false, object: expect.objectContaining({ spec: { audiences: null, expirationSeconds: 1200, boundObjectRef: null }, status: { token: '', expirationTimestamp: null } }) }),
    ]);
    expect((seen[0] as { resource: { kind: string } }).resource.kind).toBe('ServiceAccount');
  });

  it('stops at an admission refusal, after validation', async () => {
    const admission = { serviceAccounts: kindInfo('ServiceAccount')!, run: async () => Promise.reject(new StatusError(403, 'Forbidden', 'no')) } as unknown as TokenAdmission;
    expect(await statusOf(create({}, { admission }))).toEqual({ code: 403, reason: 'Forbidden', message: 'no' });
    expect((await statusOf(create({ spec: { expirationSeconds: 1 } }, { admission }))).code).toBe(422);
  });
});
