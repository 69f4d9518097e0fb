import { errors } from '../../errors/index.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../../registry/admission.js';
import { kindInfo } from '../../registry/kinds.js';
import { generateNameSuffix, type ObjectRegistry } from '../../registry/object-registry.js';
import type { Container, Pod, ServiceAccount, Volume } from '../../registry/types.js';

export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const API_ACCESS_PREFIX = 'kube-api-access-';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const ENFORCE_MOUNTABLE = 'kubernetes.io/enforce-mountable-secrets';
const SA = kindInfo('ServiceAccount')!;

/** The projected volume admission adds (TokenVolumeSource, kube-root-ca.crt, namespace). */
export function apiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    },
  };
}

/**
 * The `ServiceAccount` admission plugin (plugin/pkg/admission/serviceaccount/admission.go), for
 * pod creation:
 * - mirror pods: no service account, no secrets, no token projections
 * - `serviceAccountName` defaults to `default`; the service account must exist
 * - automount precedence: pod, then service account, then true
 * - the `kube-api-access-xxxxx` volume, mounted read-only at the well-known path in every
 *   init and regular container that has no mount there
 * - imagePullSecrets copied from the service account when the pod has none
 * - mountable-secrets enforcement when the service account asks for it
 */
export function serviceAccountAdmission(registry: ObjectRegistry): AdmissionPlugin {
  const lookup = (a: AdmissionAttributes, pod: Pod): ServiceAccount => {
    const name = pod.spec.serviceAccountName!;
    const sa = registry.peek(SA, a.namespace, name) as ServiceAccount | undefined;
    if (!sa) {
      const podName = pod.metadata.name || pod.metadata.generateName || '';
      throw errors.forbidden('pods', podName, `error looking up service account ${a.namespace}/${name}: serviceaccount "${name}" not found`);
    }
    return sa;
  };
  return {
    name: 'ServiceAccount',
    admit(a) {
      if (a.operation !== 'CREATE' || a.resource.kind !== 'Pod' || a.subresource || !a.object) return;
      const pod = a.object as Pod;
      if (!pod.spec || typeof pod.spec !== 'object') return;
      if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
      pod.spec.serviceAccountName ||= 'default';
      pod.spec.serviceAccount = pod.spec.serviceAccountName;
      const sa = lookup(a, pod);
      const automount = pod.spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
      if (automount) mountToken(pod);
      if (!pod.spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) {
        pod.spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name ?? '' }));
      }
    },
    validate(a) {
      if (a.operation !== 'CREATE' || a.resource.kind !== 'Pod' || a.subresource || !a.object) return;
      const pod = a.object as Pod;
      if (!pod.spec || typeof pod.spec !== 'object') return;
      const podName = pod.metadata.name || pod.metadata.generateName || '';
      if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) {
        if (pod.spec.serviceAccountName) throw errors.forbidden('pods', podName, 'a mirror pod may not reference service accounts');
        if (referencesSecrets(pod)) throw errors.forbidden('pods', podName, 'a mirror pod may not reference secrets');
        if ((pod.spec.volumes ?? []).some((v) => v.projected?.sources?.some((s) => s.serviceAccountToken))) {
          throw errors.forbidden('pods', podName, 'a mirror pod may not use ServiceAccountToken volume projections');
        }
        return;
      }
      if (!pod.spec.serviceAccountName) throw errors.forbidden('pods', podName, `no service account specified for pod ${a.namespace}/${podName}`);
      const sa = lookup(a, pod);
      if (sa.metadata.annotations?.[ENFORCE_MOUNTABLE] === 'true') enforceMountableSecrets(pod, sa, podName);
    },
  };
}

function mountToken(pod: Pod): void {
  const spec = pod.spec;
  const existing = (spec.volumes ?? []).find((v) => typeof v.name === 'string' && v.name.startsWith(API_ACCESS_PREFIX));
  const volumeName = existing?.name ?? `${API_ACCESS_PREFIX}${generateNameSuffix()}`;
  let mounted = false;
  const add = (c: Container) => {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === SA_MOUNT_PATH)) return;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: SA_MOUNT_PATH }];
    mounted = true;
  };
  for (const c of spec.initContainers ?? []) add(c);
  for (const c of spec.containers ?? []) add(c);
  if (mounted && !existing) spec.volumes = [...(spec.volumes ?? []), apiAccessVolume(volumeName)];
}

function referencesSecrets(pod: Pod): boolean {
  const cs = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
  return (
    (pod.spec.volumes ?? []).some((v) => v.secret || v.projected?.sources?.some((s) => s.secret)) ||
    cs.some((c) => c.env?.some((e) => e.valueFrom?.secretKeyRef) || c.envFrom?.some((e) => e.secretRef)) ||
    (pod.spec.imagePullSecrets ?? []).length > 0
  );
}

function enforceMountableSecrets(pod: Pod, sa: ServiceAccount, podName: string): void {
  const allowed = new Set((sa.secrets ?? []).map((s) => s.name));
  const pullAllowed = new Set((sa.imagePullSecrets ?? []).map((s) => s.name));
  const deny = (why: string) => {
    throw errors.forbidden('pods', podName, why);
  };
  const saName = sa.metadata.name;
  for (const v of pod.spec.volumes ?? []) {
    if (v.secret && !allowed.has(v.secret.secretName)) deny(`volume with secret.secretName="${v.secret.secretName}" is not allowed because service account ${saName} does not reference that secret`);
  }
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref && !allowed.has(ref.name)) deny(`container ${c.name} with envVar ${e.name} referencing secret.secretName="${ref.name}" is not allowed because service account ${saName} does not reference that secret`);
    }
    for (const e of c.envFrom ?? []) {
      if (e.secretRef && !allowed.has(e.secretRef.name)) deny(`container ${c.name} with envFrom referencing secret.secretName="${e.secretRef.name}" is not allowed because service account ${saName} does not reference that secret`);
    }
  }
  (pod.spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (!pullAllowed.has(s.name)) deny(`imagePullSecrets[${i}].name="${s.name}" is not allowed because service account ${saName} does not reference that imagePullSecret`);
  });
}
