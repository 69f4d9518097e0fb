import type { AdmissionAttributes, AdmissionPlugin } from '../../registry/admission.js';
import type { Container, Pod, ServiceAccount } from '../../registry/types.js';
import { defaultPod } from '../../registry/defaults/pod.js';
import { goQuote } from '../../util/go-format.js';
import { parseGoInt64 } from './go-strconv.js';
import type { ServiceAccountGetter } from './service-accounts.js';
import { WebhookDenied } from './webhook-denied.js';

/** The release whose `pkg/webhook` this follows (and whose proxy images it names). */
export const AZURE_WEBHOOK_VERSION = 'v1.5.1';
/** The webhook's name in its MutatingWebhookConfiguration. */
export const AZURE_WEBHOOK_NAME = 'mutation.azure-workload-identity.io';
/** The pod label the webhook's objectSelector matches (on the pod since v1.0.0). */
export const AZURE_USE_LABEL = 'azure.workload.identity/use';
export const AZURE_VOLUME_NAME = 'azure-identity-token';
export const AZURE_TOKEN_PATH = 'azure-identity-token';
export const AZURE_MOUNT_PATH = '/var/run/secrets/azure/tokens';
export const AZURE_DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';
export const AZURE_PUBLIC_AUTHORITY_HOST = 'https://login.microsoftonline.com/';
const MIN_EXPIRATION = 3600n;
const MAX_EXPIRATION = 86400n;
const DEFAULT_EXPIRATION = 3600;
const DEFAULT_PROXY_PORT = 8000;
const PROXY_IMAGE_REGISTRY = 'mcr.microsoft.com/oss/azure/workload-identity';

const A = {
  clientId: 'azure.workload.identity/client-id',
  tenantId: 'azure.workload.identity/tenant-id',
  expiration: 'azure.workload.identity/service-account-token-expiration',
  skip: 'azure.workload.identity/skip-containers',
  injectProxy: 'azure.workload.identity/inject-proxy-sidecar',
  proxyPort: 'azure.workload.identity/proxy-sidecar-port',
};

/** The webhook's configuration (`azure-wi-webhook-config` and its flags). */
export interface AzureWorkloadIdentityOptions {
  serviceAccounts: ServiceAccountGetter;
  /** `AZURE_TENANT_ID` of the webhook's config: the tenant of service accounts that name none */
  tenantId: string;
  /**
   * `AZURE_AUTHORITY_HOST` injected into pods: the cloud's Entra endpoint (`AZURE_ENVIRONMENT`
   * in the real webhook; satoken points it at its own). A function when known only once listening.
   */
  authorityHost: string | (() => string);
  /** `--audience` (default `api://AzureADTokenExchange`) */
  audience?: string;
  /** native sidecars for the proxy (the webhook checks the server is 1.32 or newer; default true) */
  nativeSidecar?: boolean;
}

/**
 * azure-workload-identity's pod mutation as an admission plugin, as `pkg/webhook/webhook.go`
 * and `consts.go` do it at v1.5.1:
 * - pods on CREATE labeled `azure.workload.identity/use: "true"` (the objectSelector)
 * - the service account (`default` when the pod names none) must exist, else the pod is refused
 * - `azure.workload.identity/inject-proxy-sidecar` on the pod: the proxy init container and the
 *   proxy sidecar (a native sidecar), refused on `hostNetwork` pods or with a port that is not an
 *   int32 (`proxy-sidecar-port`, default 8000)
 * - token expiration: the pod annotation, else the service account's, else 3600; parsed as Go's
 *   ParseInt and between 3600 and 86400, else the pod is refused with the webhook's message
 * - client id from the service account; tenant id from the service account when annotated (even
 *   empty), else the configured tenant
 * - `skip-containers`: names separated by `;`, trimmed
 * - each init container, then each container, not skipped, gets `AZURE_CLIENT_ID`,
 *   `AZURE_TENANT_ID`, `AZURE_FEDERATED_TOKEN_FILE` and `AZURE_AUTHORITY_HOST` where not already
 *   set and not empty, and a read-only mount of `azure-identity-token` at
 *   `/var/run/secrets/azure/tokens` unless one of that name exists
 * - the projected `azure-identity-token` volume (file `azure-identity-token`, audience
 *   `api://AzureADTokenExchange`) is appended unless a projected token with that path exists
 * - kube-apiserver then defaults the patched pod (`defaultMode: 420` on the new volume)
 * Refusals are kube-apiserver's rendering of the webhook's 400: `admission webhook
 * "mutation.azure-workload-identity.io" denied the request: <message>`.
 * @example
 * registry.admission.push(azureWorkloadIdentityWebhook({ serviceAccounts, tenantId, authorityHost: 'https://127.0.0.1:6443/' }));
 */
export function azureWorkloadIdentityWebhook(o: AzureWorkloadIdentityOptions): AdmissionPlugin {
  const deny = (message: string) => new WebhookDenied(AZURE_WEBHOOK_NAME, 400, message);
  return {
    name: AZURE_WEBHOOK_NAME,
    admit(a: AdmissionAttributes) {
      if (a.operation !== 'CREATE' || a.resource.kind !== 'Pod' || a.resource.group !== '' || a.subresource || !a.object) return;
      const pod = a.object as Pod;
      if (!pod.spec || typeof pod.spec !== 'object' || pod.metadata.labels?.[AZURE_USE_LABEL] !== 'true') return;
      const saName = pod.spec.serviceAccountName || 'default';
      const sa = o.serviceAccounts.get(a.namespace, saName);
      if (!sa) throw deny(`serviceaccounts "${saName}" not found`);
      const annotations = pod.metadata.annotations ?? {};
      if (A.injectProxy in annotations) {
        if (pod.spec.hostNetwork === true) throw deny('hostNetwork is set to true, cannot inject proxy sidecar');
        injectProxy(pod, proxyPort(annotations[A.proxyPort], deny), o.nativeSidecar ?? true);
      }
      const expiration = tokenExpiration(pod, sa, deny);
      const saAnnotations = sa.metadata.annotations ?? {};
      const env = [
        { name: 'AZURE_CLIENT_ID', value: saAnnotations[A.clientId] ?? '' },
        { name: 'AZURE_TENANT_ID', value: A.tenantId in saAnnotations ? saAnnotations[A.tenantId]! : o.tenantId },
        { name: 'AZURE_FEDERATED_TOKEN_FILE', value: `${AZURE_MOUNT_PATH}/${AZURE_TOKEN_PATH}` },
        { name: 'AZURE_AUTHORITY_HOST', value: typeof o.authorityHost === 'function' ? o.authorityHost() : o.authorityHost },
      ];
      const skip = new Set((annotations[A.skip] ?? '').split(';').map((s) => s.trim()));
      if (!annotations[A.skip]) skip.clear();
      for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
        if (!skip.has(c.name)) mutateContainer(c, env);
      }
      const hasToken = (pod.spec.volumes ?? []).some((v) => v.projected?.sources?.some((s) => s.serviceAccountToken?.path === AZURE_TOKEN_PATH));
      if (!hasToken) {
        pod.spec.volumes = [
          ...(pod.spec.volumes ?? []),
          { name: AZURE_VOLUME_NAME, projected: { sources: [{ serviceAccountToken: { path: AZURE_TOKEN_PATH, expirationSeconds: expiration, audience: o.audience ?? AZURE_DEFAULT_AUDIENCE } }] } },
        ];
      }
      defaultPod(pod);
    },
  };
}

function mutateContainer(c: Container, env: Array<{ name: string; value: string }>): void {
  const present = new Set((c.env ?? []).map((e) => e.name));
  const added = env.filter((e) => !present.has(e.name) && e.value !== '');
  if (added.length) c.env = [...(c.env ?? []), ...added];
  if (!(c.volumeMounts ?? []).some((m) => m.name === AZURE_VOLUME_NAME)) {
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: AZURE_VOLUME_NAME, mountPath: AZURE_MOUNT_PATH, readOnly: true }];
  }
}

/** `getServiceAccountTokenExpiration`: pod annotation, then service account, then 3600. */
function tokenExpiration(pod: Pod, sa: ServiceAccount, deny: (m: string) => Error): number {
  const raw = pod.metadata.annotations?.[A.expiration] || sa.metadata.annotations?.[A.expiration] || '';
  let n = BigInt(DEFAULT_EXPIRATION);
  if (raw !== '') {
    try {
      n = parseGoInt64(raw);
    } catch (e) {
      throw deny((e as Error).message);
    }
  }
  if (n < MIN_EXPIRATION || n > MAX_EXPIRATION) throw deny(`token expiration ${n} not valid. Expected value to be between 3600 and 86400`);
  return Number(n);
}

/** `getProxyPort`: Go's `strconv.ParseInt(port, 10, 32)`, errors wrapped as the webhook wraps them. */
function proxyPort(raw: string | undefined, deny: (m: string) => Error): number {
  if (raw === undefined) return DEFAULT_PROXY_PORT;
  let n: bigint;
  try {
    n = parseGoInt64(raw);
    if (n > 2n ** 31n - 1n || n < -(2n ** 31n)) throw new Error(`strconv.ParseInt: parsing ${goQuote(raw)}: value out of range`);
  } catch (e) {
    throw deny(`failed to parse proxy sidecar port: ${(e as Error).message}`);
  }
  return Number(n);
}

/** `injectProxyInitContainer` and `injectProxySidecarContainer` (native sidecar: an init container with `restartPolicy: Always`). */
function injectProxy(pod: Pod, port: number, native: boolean): void {
  const init = pod.spec.initContainers ?? [];
  if (!init.some((c) => c.name === 'azwi-proxy-init')) {
    init.push({
      name: 'azwi-proxy-init',
      image: `${PROXY_IMAGE_REGISTRY}/proxy-init:${AZURE_WEBHOOK_VERSION}`,
      imagePullPolicy: 'IfNotPresent',
      securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: true, runAsNonRoot: false, runAsUser: 0 },
      env: [{ name: 'PROXY_PORT', value: String(port) }],
    });
  }
  pod.spec.initContainers = init;
  const list = native ? pod.spec.initContainers : pod.spec.containers;
  if (list.some((c) => c.name === 'azwi-proxy')) return;
  const sidecar: Container = {
    name: 'azwi-proxy',
    image: `${PROXY_IMAGE_REGISTRY}/proxy:${AZURE_WEBHOOK_VERSION}`,
    args: [`--proxy-port=${port}`, '--log-level=info'],
    ports: [{ containerPort: port }],
    lifecycle: { postStart: { exec: { command: ['/proxy', `--proxy-port=${port}`, '--probe', '--log-level=info'] } } },
    imagePullPolicy: 'IfNotPresent',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
    ...(native ? { restartPolicy: 'Always' } : {}),
  };
  if (native) pod.spec.initContainers = [sidecar, ...list];
  else pod.spec.containers = [sidecar, ...list];
}
