import fjp from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { awsPodIdentityWebhook, type AwsPodIdentityOptions } from '../../src/identity/webhooks/aws-pod-identity.js';
import type { AdmissionAttributes } from '../../src/registry/admission.js';
import { kindInfo } from '../../src/registry/kinds.js';
import type { Pod, ServiceAccount } from '../../src/registry/types.js';
import { defaultPod } from '../../src/registry/defaults/pod.js';
import { countingServiceAccounts } from './fakes.js';

const ROLE = 'arn:aws:iam::111122223333:role/s3-reader';
const CN_ROLE = 'arn:aws-cn:iam::111122223333:role/s3-reader';

function sa(annotations: Record<string, string>): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default', annotations } };
}

function attrs(pod: Pod, operation: AdmissionAttributes['operation'] = 'CREATE'): AdmissionAttributes {
  return { operation, resource: kindInfo('Pod')!, namespace: 'default', name: pod.metadata.name ?? '', object: pod, oldObject: undefined, user: undefined, dryRun: false };
}

/** The pod as kube-apiserver stores it: defaulted, then mutated by the plugin. */
function admitted(pod: Pod, opts: Omit<AwsPodIdentityOptions, 'serviceAccounts'>, annotations: Record<string, string>): Pod {
  const p = structuredClone(pod);
  defaultPod(p);
  void awsPodIdentityWebhook({ ...opts, serviceAccounts: countingServiceAccounts([sa(annotations)]) }).admit!(attrs(p));
  return p;
}

/** The pod the real webhook's JSON patch yields (kube-apiserver defaults it again after a webhook). */
function patched(pod: Pod, patch: string): Pod {
  const p = structuredClone(pod);
  defaultPod(p);
  const out = fjp.applyPatch(p, JSON.parse(patch) as fjp.Operation[], false, false).newDocument as Pod;
  defaultPod(out);
  return out;
}

const container = (extra: Record<string, unknown> = {}) => ({ name: 'balajilovesoreos', image: 'amazonlinux', ...extra });
const pod = (spec: Partial<Pod['spec']>, annotations?: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'balajilovesoreos', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { serviceAccountName: 'default', containers: [container()], ...spec },
});

// pkg/handler/testdata/*.pod.yaml at the handler with buildPodPatchConfig: each fixture's pod, the
// service-account annotations and flags its testing annotations stand for, and its expectedPatch.
// The fake cache's default expiration there is 79200.
const FIXTURES: Array<{ file: string; pod: Pod; opts: Omit<AwsPodIdentityOptions, 'serviceAccounts'>; sa: Record<string, string>; patch: string }> = [
  {
    file: 'rawPodWithVolumes.pod.yaml',
    pod: pod({ volumes: [{ name: 'my-volume', emptyDir: {} }] }),
    opts: { tokenExpiration: 79200 },
    sa: { 'eks.amazonaws.com/role-arn': ROLE, 'eks.amazonaws.com/audience': 'sts.amazonaws.com' },
    patch:
      '[{"op":"add","path":"/spec/volumes/0","value":{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":79200,"path":"token"}}]}}},{"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_ROLE_ARN","value":"arn:aws:iam::111122223333:role/s3-reader"},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}],"resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]}]',
  },
  {
    file: 'rawPodNeedsSTS.pod.yaml',
    pod: pod({}),
    opts: { tokenExpiration: 79200, region: 'cn-north-1' },
    sa: { 'eks.amazonaws.com/role-arn': CN_ROLE, 'eks.amazonaws.com/audience': 'sts.amazonaws.com', 'eks.amazonaws.com/sts-regional-endpoints': 'true' },
    patch:
      '[{"op":"add","path":"/spec/volumes","value":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":79200,"path":"token"}}]}}]},{"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},{"name":"AWS_DEFAULT_REGION","value":"cn-north-1"},{"name":"AWS_REGION","value":"cn-north-1"},{"name":"AWS_ROLE_ARN","value":"arn:aws-cn:iam::111122223333:role/s3-reader"},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}],"resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]}]',
  },
  {
    file: 'rawPodMinTokenExpiration.pod.yaml',
    pod: pod({ containers: [container({ env: [{ name: 'AWS_REGION', value: 'cn-northwest-1' }, { name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' }] })] }, { 'eks.amazonaws.com/token-expiration': '0' }),
    opts: { tokenExpiration: 79200, region: 'cn-north-1' },
    sa: { 'eks.amazonaws.com/role-arn': CN_ROLE, 'eks.amazonaws.com/audience': 'sts.amazonaws.com', 'eks.amazonaws.com/sts-regional-endpoints': 'true' },
    patch:
      '[{"op":"add","path":"/spec/volumes","value":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":3600,"path":"token"}}]}}]},{"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_REGION","value":"cn-northwest-1"},{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},{"name":"AWS_ROLE_ARN","value":"arn:aws-cn:iam::111122223333:role/s3-reader"},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}],"resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]}]',
  },
  {
    file: 'rawPodHasAll.pod.yaml',
    pod: pod({ containers: [container({ env: [{ name: 'AWS_REGION', value: 'cn-northwest-1' }, { name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' }, { name: 'AWS_ROLE_ARN', value: CN_ROLE }] })] }),
    opts: { tokenExpiration: 79200, region: 'cn-north-1' },
    sa: { 'eks.amazonaws.com/role-arn': CN_ROLE, 'eks.amazonaws.com/audience': 'sts.amazonaws.com', 'eks.amazonaws.com/sts-regional-endpoints': 'true', 'eks.amazonaws.com/token-expiration': '3600' },
    patch:
      '[{"op":"add","path":"/spec/volumes","value":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":3600,"path":"token"}}]}}]},{"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_REGION","value":"cn-northwest-1"},{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},{"name":"AWS_ROLE_ARN","value":"arn:aws-cn:iam::111122223333:role/s3-reader"}],"resources":{}}]}]',
  },
  {
    file: 'rawPodSkip.pod.yaml',
    pod: pod({ containers: [{ name: 'sidecar', image: 'amazonlinux' }, container({ env: [{ name: 'AWS_ROLE_ARN', value: 'already-defined' }] })] }, { 'eks.amazonaws.com/skip-containers': 'sidecar' }),
    opts: { tokenExpiration: 79200, region: 'us-west-2' },
    sa: { 'eks.amazonaws.com/role-arn': ROLE, 'eks.amazonaws.com/audience': 'sts.amazonaws.com' },
    patch:
      '[{"op":"add","path":"/spec/volumes","value":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":79200,"path":"token"}}]}}]},{"op":"add","path":"/spec/containers","value":[{"name":"sidecar","image":"amazonlinux","resources":{}},{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_ROLE_ARN","value":"already-defined"},{"name":"AWS_DEFAULT_REGION","value":"us-west-2"},{"name":"AWS_REGION","value":"us-west-2"}],"resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]}]',
  },
  {
    file: 'windowsPodWithoutVolumes.pod.yaml',
    pod: pod({ nodeSelector: { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'windows' } }),
    opts: { tokenExpiration: 79200 },
    sa: { 'eks.amazonaws.com/role-arn': ROLE, 'eks.amazonaws.com/audience': 'sts.amazonaws.com' },
    patch:
      '[{"op":"add","path":"/spec/volumes","value":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":79200,"path":"token"}}]}}]},{"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_ROLE_ARN","value":"arn:aws:iam::111122223333:role/s3-reader"},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"C:\\\\var\\\\run\\\\secrets\\\\eks.amazonaws.com\\\\serviceaccount\\\\token"}],"resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]}]',
  },
  {
    file: 'rawPodWithInitContainer.pod.yaml',
    pod: pod({ initContainers: [{ name: 'initcontainer', image: 'amazonlinux' }, { name: 'sidecar', image: 'amazonlinux', restartPolicy: 'Always' }] }),
    opts: { tokenExpiration: 79200, region: 'seattle' },
    sa: { 'eks.amazonaws.com/role-arn': ROLE, 'eks.amazonaws.com/audience': 'sts.amazonaws.com' },
    patch:
      '[{"op":"add","path":"/spec/volumes","value":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":79200,"path":"token"}}]}}]},{"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_DEFAULT_REGION","value":"seattle"},{"name":"AWS_REGION","value":"seattle"},{"name":"AWS_ROLE_ARN","value":"arn:aws:iam::111122223333:role/s3-reader"},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}],"resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]},{"op":"add","path":"/spec/initContainers","value":[{"name":"initcontainer","image":"amazonlinux","env":[{"name":"AWS_DEFAULT_REGION","value":"seattle"},{"name":"AWS_REGION","value":"seattle"},{"name":"AWS_ROLE_ARN","value":"arn:aws:iam::111122223333:role/s3-reader"},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}],"resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]},{"name":"sidecar","image":"amazonlinux","env":[{"name":"AWS_DEFAULT_REGION","value":"seattle"},{"name":"AWS_REGION","value":"seattle"},{"name":"AWS_ROLE_ARN","value":"arn:aws:iam::111122223333:role/s3-reader"},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}],"resources":{},"restartPolicy":"Always","volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]}]',
  },
];

describe('the amazon-eks-pod-identity-webhook plugin, against the webhook’s own test fixtures', () => {
  it.each(FIXTURES)('$file: the stored pod is what the expected patch makes of it', ({ pod: p, opts, sa: annotations, patch }) => {
    expect(admitted(p, opts, annotations)).toEqual(patched(p, patch));
  });
});

describe('the amazon-eks-pod-identity-webhook plugin', () => {
  const base = pod({});
  it.each([
    ['no role-arn annotation', {}],
    ['an empty role-arn annotation', { 'eks.amazonaws.com/role-arn': '' }],
  ])('leaves the pod alone for a service account with %s', (_why, annotations) => {
    const p = structuredClone(base);
    defaultPod(p);
    const before = structuredClone(p);
    expect(admitted(base, {}, annotations)).toEqual(before);
  });

  it('leaves the pod alone when the service account does not exist, and on UPDATE', () => {
    const p = structuredClone(base);
    const plugin = awsPodIdentityWebhook({ serviceAccounts: countingServiceAccounts([]) });
    void plugin.admit!(attrs(p));
    expect(p).toEqual(base);
    const withSa = awsPodIdentityWebhook({ serviceAccounts: countingServiceAccounts([sa({ 'eks.amazonaws.com/role-arn': ROLE })]) });
    void withSa.admit!(attrs(p, 'UPDATE'));
    expect(p).toEqual(base);
  });

  it('uses the defaults: audience sts.amazonaws.com, 86400 seconds, no region, no regional STS; defaultMode 420 as kube-apiserver defaults it', () => {
    const p = admitted(base, {}, { 'eks.amazonaws.com/role-arn': ROLE });
    expect(p.spec.volumes).toEqual([{ name: 'aws-iam-token', projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' } }], defaultMode: 420 } }]);
    expect(p.spec.containers[0]!.env).toEqual([
      { name: 'AWS_ROLE_ARN', value: ROLE },
      { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' },
    ]);
  });

  it.each([
    ['the service account’s expiration, raised to the minimum', { 'eks.amazonaws.com/token-expiration': '100' }, {}, 3600],
    ['the service account’s expiration', { 'eks.amazonaws.com/token-expiration': '7200' }, {}, 7200],
    ['the pod’s expiration over the service account’s', { 'eks.amazonaws.com/token-expiration': '7200' }, { 'eks.amazonaws.com/token-expiration': '10800' }, 10800],
    ['the flag when the annotation does not parse', { 'eks.amazonaws.com/token-expiration': '2h' }, {}, 86400],
    ['the service account’s when the pod’s does not parse', { 'eks.amazonaws.com/token-expiration': '7200' }, { 'eks.amazonaws.com/token-expiration': ' 100' }, 7200],
    ['no maximum', { 'eks.amazonaws.com/token-expiration': '172800' }, {}, 172800],
  ])('expiration: %s', (_why, saAnnotations, podAnnotations, seconds) => {
    const p = admitted(pod({}, podAnnotations), {}, { 'eks.amazonaws.com/role-arn': ROLE, ...saAnnotations });
    expect(p.spec.volumes![0]!.projected!.sources![0]!.serviceAccountToken!.expirationSeconds).toBe(seconds);
  });

  it.each([
    ['True', true],
    ['0', false],
    ['yes', true], // invalid: the flag (true here) stays
  ])('sts-regional-endpoints %j over the flag', (value, injected) => {
    const p = admitted(base, { regionalSts: true }, { 'eks.amazonaws.com/role-arn': ROLE, 'eks.amazonaws.com/sts-regional-endpoints': value });
    expect(p.spec.containers[0]!.env!.some((e) => e.name === 'AWS_STS_REGIONAL_ENDPOINTS' && e.value === 'regional')).toBe(injected);
  });

  it.each([
    ['a quoted name with a comma', '"side,car",init', ['side,car', 'init']],
    ['a bare quote (a CSV error skips none)', 'side"car', []],
    ['only the first record', 'a\nsidecar', ['a']],
  ])('skip-containers: %s', (_why, value, skipped) => {
    const p = admitted(pod({ containers: [container({ name: 'side,car' }), container({ name: 'init' }), container({ name: 'sidecar' }), container({ name: 'a' })] }, { 'eks.amazonaws.com/skip-containers': value }), {}, { 'eks.amazonaws.com/role-arn': ROLE });
    const untouched = p.spec.containers.filter((c) => c.env === undefined).map((c) => c.name);
    expect(untouched).toEqual(skipped);
  });

  it('keeps an existing aws-iam-token volume and mount, and patches the pod even so', () => {
    const p = admitted(
      pod({ volumes: [{ name: 'aws-iam-token', emptyDir: {} }], containers: [container({ volumeMounts: [{ name: 'aws-iam-token', mountPath: '/elsewhere' }] })] }),
      {},
      { 'eks.amazonaws.com/role-arn': ROLE },
    );
    expect(p.spec.volumes).toEqual([{ name: 'aws-iam-token', emptyDir: {} }]);
    expect(p.spec.containers[0]!.volumeMounts).toEqual([{ name: 'aws-iam-token', mountPath: '/elsewhere' }]);
    expect(p.spec.containers[0]!.env!.map((e) => e.name)).toEqual(['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE']);
  });

  it('honours --annotation-prefix, --token-audience and --token-mount-path', () => {
    const p = admitted(base, { annotationPrefix: 'iam.example.com', audience: 'sts.example.com', mountPath: '/var/run/aws' }, { 'iam.example.com/role-arn': ROLE });
    expect(p.spec.volumes![0]!.projected!.sources![0]!.serviceAccountToken!.audience).toBe('sts.example.com');
    expect(p.spec.containers[0]!.volumeMounts).toEqual([{ name: 'aws-iam-token', readOnly: true, mountPath: '/var/run/aws' }]);
    expect(p.spec.containers[0]!.env![1]).toEqual({ name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/aws/token' });
  });

  it('reads the service account once per pod, from the pod’s namespace', () => {
    const getter = countingServiceAccounts([sa({ 'eks.amazonaws.com/role-arn': ROLE })]);
    void awsPodIdentityWebhook({ serviceAccounts: getter }).admit!(attrs(structuredClone(base)));
    expect(getter.calls).toEqual(['default/default']);
  });
});
