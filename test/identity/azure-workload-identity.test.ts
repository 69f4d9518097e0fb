import { describe, expect, it } from 'vitest';
import { isStatusError } from '../../src/errors/index.js';
import { azureWorkloadIdentityWebhook } from '../../src/identity/webhooks/azure-workload-identity.js';
import type { AdmissionAttributes } from '../../src/registry/admission.js';
import { kindInfo } from '../../src/registry/kinds.js';
import type { Pod, ServiceAccount } from '../../src/registry/types.js';
import { countingServiceAccounts } from './fakes.js';

const HOST = 'https://login.microsoftonline.com/';
const TOKEN_FILE = '/var/run/secrets/azure/tokens/azure-identity-token';
const MOUNT = { name: 'azure-identity-token', mountPath: '/var/run/secrets/azure/tokens', readOnly: true };

function sa(name: string, annotations: Record<string, string> = {}): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'ns1', annotations } };
}

// newPod of pkg/webhook/webhook_test.go: one init container and one container
function newPod(opts: { sa?: string; labels?: Record<string, string>; annotations?: Record<string, string>; hostNetwork?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pod', namespace: 'ns1', labels: opts.labels ?? { 'azure.workload.identity/use': 'true' }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      serviceAccountName: opts.sa ?? 'sa',
      initContainers: [{ name: 'init-container', image: 'init-container-image' }],
      containers: [{ name: 'container', image: 'image' }],
      ...(opts.hostNetwork ? { hostNetwork: true } : {}),
    },
  };
}

function admit(pod: Pod, accounts: ServiceAccount[], extra: { nativeSidecar?: boolean } = {}): Pod {
  const attrs: AdmissionAttributes = { operation: 'CREATE', resource: kindInfo('Pod')!, namespace: 'ns1', name: 'pod', object: pod, oldObject: undefined, user: undefined, dryRun: false };
  void azureWorkloadIdentityWebhook({ serviceAccounts: countingServiceAccounts(accounts), tenantId: 'tenantID', authorityHost: HOST, ...extra }).admit!(attrs);
  return pod;
}

function refusal(pod: Pod, accounts: ServiceAccount[]): unknown {
  try {
    admit(pod, accounts);
  } catch (e) {
    if (isStatusError(e)) return { code: e.code, status: e.toStatus() };
    throw e;
  }
  return undefined;
}

describe('the azure-workload-identity plugin (v1.5.1 pkg/webhook)', () => {
  it('mutates a labeled pod: env, mount and the projected volume, as its own tests expect', () => {
    const pod = admit(newPod(), [sa('sa', { 'azure.workload.identity/client-id': 'clientID' })]);
    const env = [
      { name: 'AZURE_CLIENT_ID', value: 'clientID' },
      { name: 'AZURE_TENANT_ID', value: 'tenantID' },
      { name: 'AZURE_FEDERATED_TOKEN_FILE', value: TOKEN_FILE },
      { name: 'AZURE_AUTHORITY_HOST', value: HOST },
    ];
    expect(pod.spec.initContainers![0]).toMatchObject({ name: 'init-container', env, volumeMounts: [MOUNT] });
    expect(pod.spec.containers[0]).toMatchObject({ name: 'container', env, volumeMounts: [MOUNT] });
    expect(pod.spec.volumes).toEqual([
      { name: 'azure-identity-token', projected: { sources: [{ serviceAccountToken: { path: 'azure-identity-token', expirationSeconds: 3600, audience: 'api://AzureADTokenExchange' } }], defaultMode: 420 } },
    ]);
  });

  it.each([
    ['no label', {}],
    ['the label set to "True"', { 'azure.workload.identity/use': 'True' }],
  ])('leaves a pod with %s alone (the objectSelector matches "true" exactly)', (_why, labels) => {
    const pod = newPod({ labels });
    const before = structuredClone(pod);
    expect(admit(pod, [sa('sa')])).toEqual(before);
  });

  it('uses the default service account when the pod names none', () => {
    const pod = admit(newPod({ sa: '' }), [sa('default', { 'azure.workload.identity/client-id': 'from-default' })]);
    expect(pod.spec.containers[0]!.env![0]).toEqual({ name: 'AZURE_CLIENT_ID', value: 'from-default' });
  });

  it('adds no empty variables, and keeps the ones a container set; the tenant annotation wins even when empty', () => {
    const pod = newPod();
    pod.spec.containers[0]!.env = [{ name: 'AZURE_AUTHORITY_HOST', value: 'https://login.microsoftonline.us/' }];
    admit(pod, [sa('sa', { 'azure.workload.identity/tenant-id': '' })]);
    expect(pod.spec.containers[0]!.env).toEqual([
      { name: 'AZURE_AUTHORITY_HOST', value: 'https://login.microsoftonline.us/' },
      { name: 'AZURE_FEDERATED_TOKEN_FILE', value: TOKEN_FILE },
    ]);
  });

  it('skips the containers named in skip-containers (separated by ;, trimmed)', () => {
    const pod = admit(newPod({ annotations: { 'azure.workload.identity/skip-containers': 'init-container; other' } }), [sa('sa')]);
    expect(pod.spec.initContainers![0]).toEqual({ name: 'init-container', image: 'init-container-image', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'Always', resources: {} });
    expect(pod.spec.containers[0]!.volumeMounts).toEqual([MOUNT]);
  });

  it.each([
    ['the service account’s', {}, { 'azure.workload.identity/service-account-token-expiration': '4800' }, 4800],
    ['the pod’s over the service account’s', { 'azure.workload.identity/service-account-token-expiration': '4000' }, { 'azure.workload.identity/service-account-token-expiration': '4800' }, 4000],
    ['the service account’s when the pod’s is empty', { 'azure.workload.identity/service-account-token-expiration': '' }, { 'azure.workload.identity/service-account-token-expiration': '86400' }, 86400],
  ])('token expiration: %s', (_why, podAnnotations, saAnnotations, seconds) => {
    const pod = admit(newPod({ annotations: podAnnotations }), [sa('sa', saAnnotations)]);
    expect(pod.spec.volumes![0]!.projected!.sources![0]!.serviceAccountToken!.expirationSeconds).toBe(seconds);
  });

  it('keeps an existing projected token at azure-identity-token, and adds its own beside another projected token', () => {
    const existing = { name: 'mine', projected: { sources: [{ serviceAccountToken: { path: 'azure-identity-token', audience: 'x', expirationSeconds: 7200 } }] } };
    const kept = newPod();
    kept.spec.volumes = [structuredClone(existing)];
    expect(admit(kept, [sa('sa')]).spec.volumes).toEqual([{ ...existing, projected: { ...existing.projected, defaultMode: 420 } }]);
    const other = newPod();
    other.spec.volumes = [{ name: 'azure-identity-token', projected: { sources: [{ serviceAccountToken: { path: 'my-projected-volume', audience: 'aud' } }] } }];
    expect(admit(other, [sa('sa')]).spec.volumes!.map((v) => v.name)).toEqual(['azure-identity-token', 'azure-identity-token']);
  });

  it('injects the proxy init container and the native proxy sidecar on request', () => {
    const pod = admit(newPod({ annotations: { 'azure.workload.identity/inject-proxy-sidecar': 'true', 'azure.workload.identity/proxy-sidecar-port': '8080' } }), [sa('sa')]);
    expect(pod.spec.initContainers!.map((c) => c.name)).toEqual(['azwi-proxy', 'init-container', 'azwi-proxy-init']);
    expect(pod.spec.initContainers![0]).toMatchObject({
      image: 'mcr.microsoft.com/oss/azure/workload-identity/proxy:v1.5.1',
      args: ['--proxy-port=8080', '--log-level=info'],
      ports: [{ containerPort: 8080 }],
      restartPolicy: 'Always',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
    });
    expect(pod.spec.initContainers![2]).toMatchObject({ image: 'mcr.microsoft.com/oss/azure/workload-identity/proxy-init:v1.5.1', env: [{ name: 'PROXY_PORT', value: '8080' }, { name: 'AZURE_TENANT_ID', value: 'tenantID' }, { name: 'AZURE_FEDERATED_TOKEN_FILE', value: TOKEN_FILE }, { name: 'AZURE_AUTHORITY_HOST', value: HOST }] });
    const classic = admit(newPod({ annotations: { 'azure.workload.identity/inject-proxy-sidecar': 'true' } }), [sa('sa')], { nativeSidecar: false });
    expect(classic.spec.containers.map((c) => c.name)).toEqual(['azwi-proxy', 'container']);
    expect(classic.spec.containers[0]!.restartPolicy).toBeUndefined();
  });

  // TestHandleError: the webhook's messages, as kube-apiserver wraps a webhook's 400
  it.each([
    ['service account not found', newPod(), [], 'serviceaccounts "sa" not found'],
    ['pod has host network', newPod({ annotations: { 'azure.workload.identity/inject-proxy-sidecar': 'true' }, hostNetwork: true }), [sa('sa')], 'hostNetwork is set to true, cannot inject proxy sidecar'],
    ['invalid proxy port', newPod({ annotations: { 'azure.workload.identity/inject-proxy-sidecar': 'true', 'azure.workload.identity/proxy-sidecar-port': 'invalid' } }), [sa('sa')], 'failed to parse proxy sidecar port: strconv.ParseInt: parsing "invalid": invalid syntax'],
    ['proxy port out of range', newPod({ annotations: { 'azure.workload.identity/inject-proxy-sidecar': 'true', 'azure.workload.identity/proxy-sidecar-port': '2147483648' } }), [sa('sa')], 'failed to parse proxy sidecar port: strconv.ParseInt: parsing "2147483648": value out of range'],
    ['invalid token expiry', newPod({ annotations: { 'azure.workload.identity/service-account-token-expiration': 'invalid' } }), [sa('sa')], 'strconv.ParseInt: parsing "invalid": invalid syntax'],
    ['token expiry below 3600', newPod({ annotations: { 'azure.workload.identity/service-account-token-expiration': '3599' } }), [sa('sa')], 'token expiration 3599 not valid. Expected value to be between 3600 and 86400'],
    ['token expiry above 86400', newPod(), [sa('sa', { 'azure.workload.identity/service-account-token-expiration': '86401' })], 'token expiration 86401 not valid. Expected value to be between 3600 and 86400'],
  ])('refuses the pod: %s', (_why, pod, accounts, message) => {
    expect(refusal(pod, accounts)).toEqual({
      code: 400,
      status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `admission webhook "mutation.azure-workload-identity.io" denied the request: ${message}`, code: 400 },
    });
  });

  it('reads the authority host when it admits (a server knows its URL only once listening)', () => {
    let host = 'https://first/';
    const plugin = azureWorkloadIdentityWebhook({ serviceAccounts: countingServiceAccounts([sa('sa')]), tenantId: 't', authorityHost: () => host });
    const attrs = (pod: Pod): AdmissionAttributes => ({ operation: 'CREATE', resource: kindInfo('Pod')!, namespace: 'ns1', name: 'pod', object: pod, oldObject: undefined, user: undefined, dryRun: false });
    const a = newPod();
    void plugin.admit!(attrs(a));
    host = 'https://second/';
    const b = newPod();
    void plugin.admit!(attrs(b));
    expect([a, b].map((p) => p.spec.containers[0]!.env!.find((e) => e.name === 'AZURE_AUTHORITY_HOST')!.value)).toEqual(['https://first/', 'https://second/']);
  });
});
