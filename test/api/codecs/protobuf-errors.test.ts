import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { supportedKinds } from '../../../src/api/codecs/k8s-proto-schema.js';
import { decodeKubernetesProtobuf } from '../../../src/api/codecs/protobuf.js';
import { errors, StatusError } from '../../../src/errors/index.js';
import { envelope, isPlainJson, kubectlMeta, kubectlVectors, object, pb } from './proto-wire.js';

const UNSUPPORTED = errors.unsupportedMediaType().message;
const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** Decodes, and returns either the thrown error or the decoded object. */
function attempt(body: Uint8Array): unknown {
  try {
    return decodeKubernetesProtobuf(body).object;
  } catch (e) {
    return e;
  }
}

/** The property every input must meet: a plain JSON object, or a 400/415 StatusError. */
function isAcceptableOutcome(outcome: unknown): boolean {
  if (outcome instanceof StatusError) return outcome.code === 400 || outcome.code === 415;
  return isPlainJson(outcome);
}

describe('decodeKubernetesProtobuf errors', () => {
  it.each([
    { name: 'an empty body', body: Buffer.alloc(0), message: 'empty data' },
    { name: 'a JSON body', body: Buffer.from('{"kind":"TokenRequest"}'), message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]' },
    { name: 'a body shorter than the magic', body: Buffer.from([0x6b, 0x38]), message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]' },
    { name: 'the magic alone', body: Buffer.from(MAGIC), message: 'empty body' },
    { name: 'an envelope cut inside its TypeMeta', body: Buffer.from([...MAGIC, 0x0a, 0x10, 0x0a]), message: 'the object provided is unrecognized: runtime.Unknown: unexpected EOF' },
    { name: 'an envelope without a kind', body: envelope('v1', '', object()), message: `Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'` },
    { name: 'an envelope without an apiVersion', body: envelope('', 'Secret', object()), message: `Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:"", Kind:"Secret"}'` },
    { name: 'an envelope without object bytes', body: envelope('v1', 'Secret', undefined), message: 'Secret in version "v1" cannot be handled as a Secret: the body carries no object bytes (runtime.Unknown.raw)' },
    {
      name: 'an object whose metadata overruns it',
      body: envelope('authentication.k8s.io/v1', 'TokenRequest', pb.raw(0x0a, 0x05, 0x0a, 0x01)),
      message: 'TokenRequest in version "v1" cannot be handled as a TokenRequest: unexpected EOF',
    },
    {
      name: 'an object with an invalid wire type',
      body: envelope('v1', 'ServiceAccount', pb.raw((15 << 3) | 7, 0x06, 0x00)),
      message: 'ServiceAccount in version "v1" cannot be handled as a ServiceAccount: invalid wire type 7 at offset 1',
    },
    {
      name: 'a creationTimestamp after the year 9999',
      body: envelope('v1', 'ServiceAccount', object(pb.msg(1, pb.msg(8, pb.int(1, 253402300800))))),
      message: 'ServiceAccount in version "v1" cannot be handled as a ServiceAccount: time 253402300800s since the epoch is outside the years 0000-9999',
    },
  ])('answers 400 BadRequest to $name', ({ body, message }) => {
    const outcome = attempt(body);
    expect(outcome).toBeInstanceOf(StatusError);
    expect(outcome).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  it.each([
    { name: 'a Pod, which has no protobuf schema', apiVersion: 'v1', kind: 'Pod' },
    { name: 'a Role in rbac v1beta1', apiVersion: 'rbac.authorization.k8s.io/v1beta1', kind: 'Role' },
    { name: 'a TokenRequest under the core group', apiVersion: 'v1', kind: 'TokenRequest' },
    { name: 'a made-up kind', apiVersion: 'example.com/v1', kind: 'Widget' },
  ])('answers 415 UnsupportedMediaType to $name', ({ apiVersion, kind }) => {
    const outcome = attempt(envelope(apiVersion, kind, object(kubectlMeta('x'))));
    expect(outcome).toBeInstanceOf(StatusError);
    expect(outcome).toMatchObject({ code: 415, reason: 'UnsupportedMediaType', message: UNSUPPORTED });
  });

  it('knows a schema for every kind kubectl sends as protobuf, and DeleteOptions in each group', () => {
    expect(supportedKinds()).toEqual(
      expect.arrayContaining([
        'authentication.k8s.io/v1/TokenRequest', 'authentication.k8s.io/v1/TokenReview', 'authentication.k8s.io/v1/SelfSubjectReview',
        'authorization.k8s.io/v1/SubjectAccessReview', 'authorization.k8s.io/v1/LocalSubjectAccessReview',
        'authorization.k8s.io/v1/SelfSubjectAccessReview', 'authorization.k8s.io/v1/SelfSubjectRulesReview',
        'v1/ServiceAccount', 'v1/Secret', 'v1/ConfigMap', 'v1/Namespace',
        'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/ClusterRole',
        'rbac.authorization.k8s.io/v1/RoleBinding', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
        'v1/DeleteOptions', 'rbac.authorization.k8s.io/v1/DeleteOptions', 'meta.k8s.io/v1/DeleteOptions',
      ]),
    );
  });
});

describe('decodeKubernetesProtobuf on arbitrary bytes', () => {
  const vectors = kubectlVectors();
  const kinds = supportedKinds().map((k) => ({ apiVersion: k.slice(0, k.lastIndexOf('/')), kind: k.slice(k.lastIndexOf('/') + 1) }));

  it('never throws anything but a 400 or 415 StatusError on random bytes, with or without the magic', () => {
    const body = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 256 }).map((b) => Uint8Array.from([...MAGIC, ...b])));
    fc.assert(fc.property(body, (b) => isAcceptableOutcome(attempt(b))), { numRuns: 2000 });
  });

  it('never throws anything but a 400 StatusError on random object bytes under every known kind', () => {
    const body = fc.tuple(fc.constantFrom(...kinds), fc.uint8Array({ maxLength: 256 })).map(([k, raw]) => envelope(k.apiVersion, k.kind, raw));
    fc.assert(fc.property(body, (b) => {
      const outcome = attempt(b);
      return isAcceptableOutcome(outcome) && !(outcome instanceof StatusError && outcome.code === 415);
    }), { numRuns: 3000 });
  });

  it('never throws anything but a 400 or 415 StatusError on kubectl bodies with bytes overwritten', () => {
    const mutation = fc.tuple(fc.constantFrom(...vectors), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }));
    fc.assert(fc.property(mutation, ([vector, edits]) => {
      const body = Buffer.from(vector.body);
      for (const [at, value] of edits) body[at % body.length] = value;
      return isAcceptableOutcome(attempt(body));
    }), { numRuns: 3000 });
  });
});
