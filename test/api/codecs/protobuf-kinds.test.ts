import { describe, expect, it } from 'vitest';
import { decodeKubernetesProtobuf } from '../../../src/api/codecs/protobuf.js';
import { envelope, kubectlMeta, object, pb } from './proto-wire.js';

const META = { creationTimestamp: null };
const SAR_STATUS = pb.msg(3, pb.bool(1, false), pb.str(2, ''), pb.str(3, ''), pb.bool(4, false));

interface Case {
  name: string;
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  expected: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'a TokenReview with its token and audiences, and an empty gogo status',
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    raw: object(kubectlMeta(), pb.msg(2, pb.str(1, 'eyJhbGciOi'), pb.str(2, 'api'), pb.str(2, 'vault')), pb.msg(3, pb.bool(1, false), pb.msg(2, pb.str(1, ''), pb.str(2, '')), pb.str(3, ''))),
    expected: { metadata: META, spec: { token: 'eyJhbGciOi', audiences: ['api', 'vault'] } },
  },
  {
    name: 'a TokenRequest whose expirationSeconds pointer is zero',
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    raw: object(kubectlMeta(), pb.msg(2, pb.int(4, 0)), pb.msg(3, pb.str(1, ''), pb.msg(2))),
    expected: { metadata: META, spec: { expirationSeconds: 0 }, status: { expirationTimestamp: null } },
  },
  {
    name: 'a SubjectAccessReview with user, groups, extra, uid and selectors',
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    raw: object(
      kubectlMeta(),
      pb.msg(
        2,
        pb.msg(1, pb.str(1, 'ns1'), pb.str(2, 'list'), pb.str(3, ''), pb.str(4, ''), pb.str(5, 'pods'), pb.str(6, ''), pb.str(7, ''),
          pb.msg(8, pb.str(1, 'spec.nodeName=n1'), pb.msg(2, pb.str(1, 'spec.nodeName'), pb.str(2, 'In'), pb.str(3, 'n1'))),
          pb.msg(9, pb.str(1, ''), pb.msg(2, pb.str(1, 'app'), pb.str(2, 'Exists')))),
        pb.str(3, 'jane'),
        pb.str(4, 'devs'),
        pb.str(4, 'system:authenticated'),
        pb.msg(5, pb.str(1, 'scopes'), pb.msg(2, pb.str(1, 'a'), pb.str(1, 'b'))),
        pb.str(6, 'u-1'),
      ),
      SAR_STATUS,
    ),
    expected: {
      metadata: META,
      spec: {
        resourceAttributes: {
          namespace: 'ns1', verb: 'list', resource: 'pods',
          fieldSelector: { rawSelector: 'spec.nodeName=n1', requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }] },
          labelSelector: { requirements: [{ key: 'app', operator: 'Exists' }] },
        },
        user: 'jane',
        groups: ['devs', 'system:authenticated'],
        extra: { scopes: ['a', 'b'] },
        uid: 'u-1',
      },
    },
  },
  {
    name: 'a LocalSubjectAccessReview for a non-resource path, status allowed',
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'LocalSubjectAccessReview',
    raw: object(kubectlMeta('', pb.str(3, 'team-a')), pb.msg(2, pb.msg(2, pb.str(1, '/healthz'), pb.str(2, 'get')), pb.str(3, 'bob')), pb.msg(3, pb.bool(1, true), pb.str(2, 'RBAC'))),
    expected: { metadata: { namespace: 'team-a', creationTimestamp: null }, spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'bob' }, status: { allowed: true, reason: 'RBAC' } },
  },
  {
    name: 'a ConfigMap with an empty value, binary data and immutable',
    apiVersion: 'v1',
    kind: 'ConfigMap',
    raw: object(kubectlMeta('cm'), pb.map(2, [['a', ''], ['b', 'x']]), pb.map(3, [['bin', Uint8Array.of(0, 1, 2)]]), pb.bool(4, true)),
    expected: { metadata: { name: 'cm', creationTimestamp: null }, immutable: true, data: { a: '', b: 'x' }, binaryData: { bin: 'AAEC' } },
  },
  {
    name: 'a Namespace as kubectl create namespace writes it',
    apiVersion: 'v1',
    kind: 'Namespace',
    raw: object(kubectlMeta('team-a'), pb.msg(2), pb.msg(3, pb.str(1, ''))),
    expected: { metadata: { name: 'team-a', creationTimestamp: null } },
  },
  {
    name: 'a Namespace with finalizers, a phase and a condition',
    apiVersion: 'v1',
    kind: 'Namespace',
    raw: object(kubectlMeta('ns'), pb.msg(2, pb.str(1, 'kubernetes')), pb.msg(3, pb.str(1, 'Terminating'), pb.msg(2, pb.str(1, 'NamespaceDeletionContentFailure'), pb.str(2, 'False'), pb.msg(4, pb.int(1, 1717668942)), pb.str(5, ''), pb.str(6, '')))),
    expected: {
      metadata: { name: 'ns', creationTimestamp: null },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', lastTransitionTime: '2024-06-06T10:15:42Z' }] },
    },
  },
  {
    name: 'a ServiceAccount with secrets, pull secrets and automount false',
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    raw: object(kubectlMeta('robot'), pb.msg(2, pb.str(1, 'Secret'), pb.str(3, 's1'), pb.str(2, '')), pb.msg(3, pb.str(1, 'regcred')), pb.bool(4, false)),
    expected: { metadata: { name: 'robot', creationTimestamp: null }, secrets: [{ kind: 'Secret', name: 's1' }], imagePullSecrets: [{ name: 'regcred' }], automountServiceAccountToken: false },
  },
  {
    name: 'a Secret with immutable false, string data and a type',
    apiVersion: 'v1',
    kind: 'Secret',
    raw: object(kubectlMeta('s'), pb.map(2, [['k', Uint8Array.of()]]), pb.str(3, 'Opaque'), pb.map(4, [['plain', 'text']]), pb.bool(5, false)),
    expected: { metadata: { name: 's', creationTimestamp: null }, immutable: false, data: { k: '' }, stringData: { plain: 'text' }, type: 'Opaque' },
  },
  {
    name: 'a RoleBinding without a roleRef, which Go renders with empty members',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    raw: object(kubectlMeta('rb')),
    expected: { metadata: { name: 'rb', creationTimestamp: null }, roleRef: { apiGroup: '', kind: '', name: '' } },
  },
  {
    name: 'DeleteOptions with a zero grace period, preconditions and dry run',
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    raw: object(pb.int(1, 0), pb.msg(2, pb.str(1, 'uid-1'), pb.str(2, '')), pb.str(4, 'Foreground'), pb.str(5, 'All')),
    expected: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1', resourceVersion: '' }, propagationPolicy: 'Foreground', dryRun: ['All'] },
  },
  {
    name: 'DeleteOptions under meta.k8s.io/v1 with orphanDependents',
    apiVersion: 'meta.k8s.io/v1',
    kind: 'DeleteOptions',
    raw: object(pb.bool(3, true)),
    expected: { orphanDependents: true },
  },
];

describe('decodeKubernetesProtobuf for the kinds kubectl vectors do not cover', () => {
  it.each(cases)('decodes $name', ({ apiVersion, kind, raw, expected }) => {
    const result = decodeKubernetesProtobuf(envelope(apiVersion, kind, raw));
    expect(result.object).toStrictEqual({ kind, apiVersion, ...expected });
  });

  it('renders every ObjectMeta member in Go order, skipping managedFields and unknown fields', () => {
    const meta = pb.msg(
      1,
      pb.str(1, 'web'), pb.str(2, 'web-'), pb.str(3, 'prod'), pb.str(4, ''), pb.str(5, 'a1b2'), pb.str(6, '42'), pb.int(7, 3),
      pb.msg(8, pb.int(1, 1717668942), pb.int(2, 500)),
      pb.msg(9),
      pb.int(10, 0),
      ...[pb.map(11, [['app', 'web']]), pb.map(12, [['note', 'first'], ['note', 'last']])],
      pb.msg(13, pb.str(1, 'ReplicaSet'), pb.str(3, 'web-1'), pb.str(4, 'rs-uid'), pb.str(5, 'apps/v1'), pb.bool(6, true)),
      pb.str(14, 'example.com/cleanup'),
      pb.msg(17, pb.str(1, 'kubectl'), pb.str(2, 'Update'), pb.msg(3, pb.int(1, 1))),
      pb.int(99, 7),
      pb.fixed32(98, 1),
    );
    const { object: decoded } = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', object(meta)));
    expect(decoded.metadata).toStrictEqual({
      name: 'web', generateName: 'web-', namespace: 'prod', uid: 'a1b2', resourceVersion: '42', generation: 3,
      creationTimestamp: '2024-06-06T10:15:42Z', deletionTimestamp: null, deletionGracePeriodSeconds: 0,
      labels: { app: 'web' }, annotations: { note: 'last' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid', controller: true }],
      finalizers: ['example.com/cleanup'],
    });
    expect(Object.keys(decoded.metadata as object)).toEqual(['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers']);
  });

  it.each([
    { name: 'Go zero time (0001-01-01)', time: pb.msg(8, pb.int(1, -62135596800)), expected: null },
    { name: 'Unix epoch written explicitly', time: pb.msg(8, pb.int(1, 0)), expected: '1970-01-01T00:00:00Z' },
    { name: 'first second of year 0', time: pb.msg(8, pb.int(1, -62167219200)), expected: '0000-01-01T00:00:00Z' },
    { name: 'last second of year 9999', time: pb.msg(8, pb.int(1, 253402300799)), expected: '9999-12-31T23:59:59Z' },
  ])('renders a creationTimestamp at the $name as $expected', ({ time, expected }) => {
    const { object: decoded } = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', object(pb.msg(1, time))));
    expect(decoded.metadata).toStrictEqual({ creationTimestamp: expected });
  });

  it('keeps a map key named __proto__ as an own member', () => {
    const { object: decoded } = decodeKubernetesProtobuf(envelope('v1', 'Secret', object(kubectlMeta('s'), pb.map(2, [['__proto__', Uint8Array.of(0x78)]]))));
    const data = decoded.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(JSON.stringify(data)).toBe('{"__proto__":"eA=="}');
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });
});
