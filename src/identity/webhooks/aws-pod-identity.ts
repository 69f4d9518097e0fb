import { posix } from 'node:path';
import type { AdmissionAttributes, AdmissionPlugin } from '../../registry/admission.js';
import type { Container, Pod, Volume } from '../../registry/types.js';
import { defaultPod } from '../../registry/defaults/pod.js';
import { parseGoBool, parseGoInt64, readFirstCsvRecord } from './go-strconv.js';
import type { ServiceAccountGetter } from './service-accounts.js';

/** The webhook's name in its MutatingWebhookConfiguration (deploy/mutatingwebhook.yaml). */
export const AWS_WEBHOOK_NAME = 'pod-identity-webhook.amazonaws.com';
export const AWS_VOLUME_NAME = 'aws-iam-token';
export const AWS_TOKEN_PATH = 'token';
export const AWS_MOUNT_PATH = '/var/run/secrets/eks.amazonaws.com/serviceaccount';
export const AWS_DEFAULT_AUDIENCE = 'sts.amazonaws.com';
/** `pkg.DefaultTokenExpiration` (24 h, EKS's maximum) and `pkg.MinTokenExpiration` (1 h). */
export const AWS_DEFAULT_TOKEN_EXPIRATION = 86400;
export const AWS_MIN_TOKEN_EXPIRATION = 3600;

/** The webhook's flags, with its defaults (README "Usage"). */
export interface AwsPodIdentityOptions {
  serviceAccounts: ServiceAccountGetter;
  /** `--aws-default-region`: when set, `AWS_DEFAULT_REGION` and `AWS_REGION` are injected (default: unset) */
  region?: string;
  /** `--token-audience` (default `sts.amazonaws.com`) */
  audience?: string;
  /** `--token-expiration` in seconds (default 86400; at least 3600) */
  tokenExpiration?: number;
  /** `--sts-regional-endpoint` (default false) */
  regionalSts?: boolean;
  /** `--token-mount-path` (default `/var/run/secrets/eks.amazonaws.com/serviceaccount`) */
  mountPath?: string;
  /** `--annotation-prefix` (default `eks.amazonaws.com`) */
  annotationPrefix?: string;
}

/** What one pod gets: the merged service-account annotations, flags and pod annotations. */
interface PatchConfig {
  roleArn: string;
  audience: string;
  regionalSts: boolean;
  tokenExpiration: number;
  skip: Set<string>;
}

/**
 * amazon-eks-pod-identity-webhook's pod mutation (IRSA) as an admission plugin, as its
 * `pkg/handler/handler.go` and `pkg/cache/cache.go` do it at the release line with
 * `buildPodPatchConfig` (v0.5/v0.6; container credentials and the ConfigMap source left out):
 * - pods on CREATE only (the webhook's rules), after the ServiceAccount plugin has named the
 *   service account; a service account that is missing or has no (or an empty)
 *   `eks.amazonaws.com/role-arn` leaves the pod alone; the webhook never refuses a pod
 * - audience: service-account annotation `/audience`, else `--token-audience`
 * - regional STS: `/sts-regional-endpoints` parsed as Go's ParseBool, else the flag (an invalid
 *   value is ignored)
 * - expiration: pod annotation `/token-expiration`, else the service account's, else the flag;
 *   each parsed as Go's ParseInt (an invalid value is ignored) and raised to at least 3600
 * - `/skip-containers` on the pod: the first CSV record of names (a CSV error skips none)
 * - each init container, then each container, not skipped, gets (see {@link addEnv})
 *   `AWS_STS_REGIONAL_ENDPOINTS=regional`, `AWS_DEFAULT_REGION`/`AWS_REGION`, `AWS_ROLE_ARN` and
 *   `AWS_WEB_IDENTITY_TOKEN_FILE`, and a read-only mount of `aws-iam-token`
 * - the projected `aws-iam-token` volume goes first in `volumes`, unless a volume of that name
 *   exists; a pod selecting Windows nodes gets a `C:\...` token path
 * - kube-apiserver then defaults the patched pod (`defaultMode: 420` on the new volume)
 * @example
 * registry.admission.push(awsPodIdentityWebhook({ serviceAccounts: registryServiceAccounts(registry), region: 'us-west-2' }));
 */
export function awsPodIdentityWebhook(o: AwsPodIdentityOptions): AdmissionPlugin {
  const prefix = o.annotationPrefix ?? 'eks.amazonaws.com';
  const mountPath = o.mountPath ?? AWS_MOUNT_PATH;
  const flagExpiration = atLeastMinimum(BigInt(o.tokenExpiration ?? AWS_DEFAULT_TOKEN_EXPIRATION));

  const patchConfig = (a: AdmissionAttributes, pod: Pod): PatchConfig | undefined => {
    const sa = o.serviceAccounts.get(a.namespace, pod.spec.serviceAccountName ?? '');
    const saAnnotations = sa?.metadata.annotations ?? {};
    const roleArn = saAnnotations[`${prefix}/role-arn`] ?? '';
    if (!sa || roleArn === '') return undefined;
    let regionalSts = o.regionalSts ?? false;
    const regional = saAnnotations[`${prefix}/sts-regional-endpoints`];
    if (regional !== undefined) regionalSts = ignoringErrors(() => parseGoBool(regional)) ?? regionalSts;
    let tokenExpiration = expirationFrom(saAnnotations[`${prefix}/token-expiration`], flagExpiration);
    const podAnnotations = pod.metadata.annotations ?? {};
    tokenExpiration = expirationFrom(podAnnotations[`${prefix}/token-expiration`], tokenExpiration);
    const skipValue = podAnnotations[`${prefix}/skip-containers`];
    const skip = new Set(skipValue === undefined ? [] : (readFirstCsvRecord(skipValue) ?? []));
    return { roleArn, audience: saAnnotations[`${prefix}/audience`] ?? o.audience ?? AWS_DEFAULT_AUDIENCE, regionalSts, tokenExpiration, skip };
  };

  return {
    name: AWS_WEBHOOK_NAME,
    admit(a) {
      if (a.operation !== 'CREATE' || a.resource.kind !== 'Pod' || a.resource.group !== '' || a.subresource || !a.object) return;
      const pod = a.object as Pod;
      if (!pod.spec || typeof pod.spec !== 'object') return;
      const config = patchConfig(a, pod);
      if (!config) return;
      const tokenFile = windowsPod(pod) ? `C:${posix.join(mountPath, AWS_TOKEN_PATH).replace(/\//g, '\\')}` : posix.join(mountPath, AWS_TOKEN_PATH);
      for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
        if (!config.skip.has(c.name)) addEnv(c, tokenFile, config, o.region ?? '', mountPath);
      }
      if (!(pod.spec.volumes ?? []).some((v) => v.name === AWS_VOLUME_NAME)) {
        const volume: Volume = {
          name: AWS_VOLUME_NAME,
          projected: { sources: [{ serviceAccountToken: { audience: config.audience, expirationSeconds: config.tokenExpiration, path: AWS_TOKEN_PATH } }] },
        };
        pod.spec.volumes = [volume, ...(pod.spec.volumes ?? [])];
      }
      defaultPod(pod);
    },
  };
}

/**
 * `addEnvToContainer`: a container that already has a web identity variable, a region variable
 * and `AWS_STS_REGIONAL_ENDPOINTS` is left as it is (mount included); otherwise, in this order,
 * each group not already there is appended: the regional STS variable (when asked for), both
 * region variables (when a region is configured), `AWS_ROLE_ARN` with
 * `AWS_WEB_IDENTITY_TOKEN_FILE`; then the mount, unless one of that name exists.
 */
function addEnv(c: Container, tokenFile: string, config: PatchConfig, region: string, mountPath: string): void {
  const names = new Set((c.env ?? []).map((e) => e.name));
  const webIdentity = names.has('AWS_ROLE_ARN') || names.has('AWS_WEB_IDENTITY_TOKEN_FILE');
  const regionSet = names.has('AWS_REGION') || names.has('AWS_DEFAULT_REGION');
  const regionalSet = names.has('AWS_STS_REGIONAL_ENDPOINTS');
  if (webIdentity && regionSet && regionalSet) return;
  const env = [...(c.env ?? [])];
  if (!regionalSet && config.regionalSts) env.push({ name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' });
  if (!regionSet && region !== '') env.push({ name: 'AWS_DEFAULT_REGION', value: region }, { name: 'AWS_REGION', value: region });
  if (!webIdentity) env.push({ name: 'AWS_ROLE_ARN', value: config.roleArn }, { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: tokenFile });
  c.env = env;
  if (!(c.volumeMounts ?? []).some((m) => m.name === AWS_VOLUME_NAME)) {
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: AWS_VOLUME_NAME, readOnly: true, mountPath }];
  }
}

function windowsPod(pod: Pod): boolean {
  const selector = (pod.spec.nodeSelector ?? {}) as Record<string, string>;
  return selector['beta.kubernetes.io/os'] === 'windows' || selector['kubernetes.io/os'] === 'windows';
}

/** `pkg.ValidateMinTokenExpiration`: below 3600 becomes 3600 (no maximum). */
function atLeastMinimum(n: bigint): number {
  return n < BigInt(AWS_MIN_TOKEN_EXPIRATION) ? AWS_MIN_TOKEN_EXPIRATION : Number(n);
}

function expirationFrom(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = ignoringErrors(() => parseGoInt64(value));
  return n === undefined ? fallback : atLeastMinimum(n);
}

function ignoringErrors<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
