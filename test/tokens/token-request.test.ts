import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { StatusError } from '../../src/errors/index.js';
import { fixture, headerOf, ISSUER, payloadOf, T0, uidOf } from '../helpers/emulator.js';
import { controlPlaneOf } from '../../src/emulator.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await fixture();
});
afterEach(() => emu.close());

async function statusOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e.toStatus();
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('TokenRequest defaulting and response (§1.2–§1.3)', () => {
  it('defaults to 3600 seconds and the API audiences, and says so in spec and status', async () => {
    const tr = await emu.requestToken('default', 'build-robot');
    expect(tr.spec).toEqual({ audiences: [ISSUER], expirationSeconds: 3600, boundObjectRef: null });
    expect(tr.metadata).toEqual({ name: 'build-robot', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' });
    expect(tr.status.expirationTimestamp).toBe('2026-01-01T01:00:00Z');
    expect(tr.kind).toBe('TokenRequest');
    expect(tr.apiVersion).toBe('authentication.k8s.io/v1');
  });

  it('treats an empty audience list as absent', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { audiences: [] });
    expect(tr.spec.audiences).toEqual([ISSUER]);
  });

  it('defaults audiences to every issuer when --api-audiences is unset', async () => {
    const e2 = await fixture({ issuer: ['https://a.example', 'https://b.example'] });
    const tr = await e2.requestToken('default', 'build-robot');
    expect(tr.spec.audiences).toEqual(['https://a.example', 'https://b.example']);
    expect(payloadOf(tr.status.token).iss).toBe('https://a.example');
    await e2.close();
  });
});

describe('TokenRequest claims and header (§2)', () => {
  it('signs with a header of exactly alg and kid', async () => {
    const tr = await emu.requestToken('default', 'build-robot');
    const h = headerOf(tr.status.token);
    expect(Object.keys(h)).toEqual(['alg', 'kid']);
    expect(h.alg).toBe('RS256');
    expect(h.kid).toBe(controlPlaneOf(emu).keys.keySet.signingKey!.kid);
  });

  it('writes an unbound token with sorted keys, aud as an array, a UUIDv4 jti and integer times', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { audiences: ['vault'] });
    const raw = Buffer.from(tr.status.token.split('.')[1]!, 'base64url').toString('utf8');
    const p = payloadOf(tr.status.token);
    const now = T0 / 1000;
    const sa = uidOf(emu, 'ServiceAccount', 'default', 'build-robot');
    expect(raw).toBe(
      `{"aud":["vault"],"exp":${now + 3600},"iat":${now},"iss":"${ISSUER}","jti":"${String(p.jti)}","kubernetes.io":{"namespace":"default","serviceaccount":{"name":"build-robot","uid":"${sa}"}},"nbf":${now},"sub":"system:serviceaccount:default:build-robot"}`,
    );
    expect(p.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('binds to a pod and carries the pod and its node', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    expect(payloadOf(tr.status.token)['kubernetes.io']).toEqual({
      namespace: 'default',
      node: { name: 'node-1', uid: uidOf(emu, 'Node', undefined, 'node-1') },
      pod: { name: 'web-0', uid: uidOf(emu, 'Pod', 'default', 'web-0') },
      serviceaccount: { name: 'build-robot', uid: uidOf(emu, 'ServiceAccount', 'default', 'build-robot') },
    });
  });

  it('leaves out the node uid when the pod names a node that does not exist', async () => {
    await emu.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ghost', namespace: 'default' }, spec: { serviceAccountName: 'build-robot', nodeName: 'nowhere', containers: [{ name: 'a', image: 'x' }] } });
    const tr = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'ghost' } });
    expect((payloadOf(tr.status.token)['kubernetes.io'] as { node: unknown }).node).toEqual({ name: 'nowhere' });
  });

  it.each([
    ['Secret', 'creds', 'secret', 'default'],
    ['Node', 'node-1', 'node', undefined],
  ])('binds to a %s', async (kind, name, claim, ns) => {
    const tr = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind, name } });
    expect((payloadOf(tr.status.token)['kubernetes.io'] as Record<string, unknown>)[claim]).toEqual({ name, uid: uidOf(emu, kind, ns, name) });
  });

  it('signs ES256 with an EC key', async () => {
    const e2 = await fixture({ keys: { algorithm: 'ES256' } });
    const tr = await e2.requestToken('default', 'build-robot');
    expect(headerOf(tr.status.token).alg).toBe('ES256');
    expect((await e2.reviewToken(tr.status.token)).authenticated).toBe(true);
    await e2.close();
  });
});

describe('TokenRequest validation and errors (§1.4–§1.5)', () => {
  it.each([
    [599, 'may not specify a duration less than 10 minutes'],
    [0, 'may not specify a duration less than 10 minutes'],
    [4294967297, 'may not specify a duration larger than 2^32 seconds'],
  ])('rejects %d seconds with a 422 whose name is empty', async (seconds, detail) => {
    expect(await statusOf(emu.requestToken('default', 'build-robot', { expirationSeconds: seconds }))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: ${seconds}: ${detail}`,
      reason: 'Invalid',
      details: { group: 'authentication.k8s.io', kind: 'TokenRequest', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${seconds}: ${detail}`, field: 'spec.expirationSeconds' }] },
      code: 422,
    });
  });

  it.each([600, 4294967296])('accepts the limit %d', async (seconds) => {
    const tr = await emu.requestToken('default', 'build-robot', { expirationSeconds: seconds });
    expect(tr.spec.expirationSeconds).toBe(seconds);
  });

  it('answers 404 for a missing service account before validating the duration', async () => {
    expect(await statusOf(emu.requestToken('default', 'nobody', { expirationSeconds: 1 }))).toMatchObject({
      message: 'serviceaccounts "nobody" not found',
      reason: 'NotFound',
      details: { name: 'nobody', kind: 'serviceaccounts' },
      code: 404,
    });
  });

  it('rejects a body name that differs from the URL name', async () => {
    const s = (await statusOf(emu.tokenRequest('default', 'build-robot', { metadata: { name: 'default' }, spec: {} }))) as { message: string; code: number };
    expect(s.message).toBe('TokenRequest.authentication.k8s.io "build-robot" is invalid: metadata.name: Invalid value: "default": must match the service account name if specified');
    expect(s.code).toBe(422);
  });

  it('rejects a body namespace that differs from the URL namespace', async () => {
    const s = (await statusOf(emu.tokenRequest('default', 'build-robot', { metadata: { namespace: 'other' }, spec: {} }))) as { message: string };
    expect(s.message).toBe('TokenRequest.authentication.k8s.io "build-robot" is invalid: metadata.namespace: Invalid value: "other": must match the service account namespace if specified');
  });

  it.each([
    [{ kind: 'ConfigMap', apiVersion: 'v1', name: 'x' }, 400, 'cannot bind token to object of type /v1, Kind=ConfigMap'],
    [{ kind: 'Deployment', apiVersion: 'apps/v1', name: 'x' }, 400, 'cannot bind token to object of type apps/v1, Kind=Deployment'],
    [{ kind: 'pod', apiVersion: 'v1', name: 'web-0' }, 400, 'cannot bind token to object of type /v1, Kind=pod'],
    [{ kind: 'Pod', apiVersion: 'v1', name: 'missing' }, 404, 'pods "missing" not found'],
    [{ kind: 'Secret', apiVersion: 'v1', name: 'missing' }, 404, 'secrets "missing" not found'],
    [{ kind: 'Node', apiVersion: 'v1', name: 'missing' }, 404, 'nodes "missing" not found'],
    [{ kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'abc' }, 409, 'Operation cannot be fulfilled on Pod "web-0": the UID in the bound object reference (abc) does not match the UID in record. The object might have been deleted and then recreated'],
  ])('refuses boundObjectRef %j with %d', async (ref, code, message) => {
    const s = (await statusOf(emu.tokenRequest('default', 'build-robot', { spec: { boundObjectRef: ref } }))) as { message: string; code: number; details?: unknown };
    expect(s.message).toBe(message);
    expect(s.code).toBe(code);
    if (code === 409) expect(s.details).toEqual({ name: 'web-0', kind: 'Pod' });
  });

  it('ignores the version of a bound object reference (v2 is the core group too)', async () => {
    const tr = await emu.tokenRequest('default', 'build-robot', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v2', name: 'web-0' } } });
    expect(tr.status.token).not.toBe('');
  });

  it('refuses to bind to a pod running as another service account', async () => {
    const s = (await statusOf(emu.requestToken('default', 'default', { boundObjectRef: { kind: 'Pod', name: 'web-0' } }))) as { message: string; code: number };
    expect(s).toMatchObject({ code: 400, message: 'cannot bind token for serviceaccount "default" to pod running with different serviceaccount name.' });
  });

  it('fills kind and apiVersion when the client sends neither (the Python client)', async () => {
    const tr = await emu.tokenRequest('default', 'build-robot', { spec: { audiences: ['vault'], expirationSeconds: 600 } });
    expect(tr.spec.audiences).toEqual(['vault']);
  });

  it.each([
    [{ kind: 'Pod' }, 'the kind in the data (Pod) does not match the expected kind (TokenRequest)'],
    [{ spec: { expirationSeconds: 'ten' } }, 'spec.expirationSeconds must be an integer, got "ten"'],
    [{ spec: { audiences: 'vault' } }, 'spec.audiences must be a list of strings'],
  ])('answers a malformed body %j with a 400', async (body, message) => {
    expect(await statusOf(emu.tokenRequest('default', 'build-robot', body))).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });
});

describe('max expiration and the 3607-second extension (§1.6–§1.7)', () => {
  it('clamps to the max and warns', async () => {
    const e2 = await fixture({ maxTokenExpirationSeconds: 7200 });
    const tr = await e2.requestToken('default', 'build-robot', { expirationSeconds: 86400 });
    expect(tr.warnings).toEqual(['requested expiration of 86400 seconds shortened to 7200 seconds']);
    expect(tr.spec.expirationSeconds).toBe(7200);
    const p = payloadOf(tr.status.token);
    expect(Number(p.exp) - Number(p.iat)).toBe(7200);
    await e2.close();
  });

  it('extends a pod-bound 3607-second token with API audiences to a year with warnafter, while status says 3607', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const p = payloadOf(tr.status.token);
    expect(Number(p.exp) - Number(p.iat)).toBe(31536000);
    expect((p['kubernetes.io'] as { warnafter: number }).warnafter - Number(p.iat)).toBe(3607);
    expect(tr.spec.expirationSeconds).toBe(3607);
    expect(tr.status.expirationTimestamp).toBe('2026-01-01T01:00:07Z');
  });

  it.each([
    ['not bound to a pod', { expirationSeconds: 3607 }],
    ['a foreign audience', { expirationSeconds: 3607, audiences: ['vault'], boundObjectRef: { kind: 'Pod', name: 'web-0' } }],
    ['3600 seconds', { expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', name: 'web-0' } }],
  ])('does not extend a token with %s', async (_n, spec) => {
    const tr = await emu.requestToken('default', 'build-robot', spec);
    const p = payloadOf(tr.status.token);
    expect(Number(p.exp) - Number(p.iat)).toBe(spec.expirationSeconds);
    expect((p['kubernetes.io'] as { warnafter?: number }).warnafter).toBeUndefined();
  });

  it.each([
    ['extension off', { extendTokenExpiration: false }, 3607],
    ['a max of 1h clamps 3607 first', { maxTokenExpirationSeconds: 3600 }, 3600],
    ['a max of 5h still extends', { maxTokenExpirationSeconds: 18000 }, 31536000],
  ])('%s', async (_n, opts, lifetime) => {
    const e2 = await fixture(opts);
    const tr = await e2.requestToken('default', 'build-robot', { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const p = payloadOf(tr.status.token);
    expect(Number(p.exp) - Number(p.iat)).toBe(lifetime);
    await e2.close();
  });
});
