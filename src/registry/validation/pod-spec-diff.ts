import { goQuote } from '../../util/go-format.js';
import { isObj, semanticEqual } from './typed-fields.js';

/**
 * The diff ValidatePodUpdate appends to its Forbidden message: `cmp.Diff(oldPod.Spec, mungedPodSpec)`
 * from github.com/google/go-cmp, over the internal core.PodSpec. Reproduced in go-cmp's shape
 * (`  ` unchanged, `- ` old, `+ ` new, tab indents, Go field names, `... // N identical fields`)
 * over the v1 JSON. go-cmp itself randomizes its spacing so that nobody depends on its exact
 * text; this keeps what a reader needs: which field changed, from what, to what.
 */
const GO_NAMES: Record<string, string> = {
  dnsPolicy: 'DNSPolicy', dnsConfig: 'DNSConfig', hostIPC: 'HostIPC', hostPID: 'HostPID', hostIP: 'HostIP', ip: 'IP', tty: 'TTY',
  uid: 'UID', os: 'OS', httpGet: 'HTTPGet', tcpSocket: 'TCPSocket', grpc: 'GRPC', fsGroup: 'FSGroup', fsGroupChangePolicy: 'FSGroupChangePolicy',
  seLinuxOptions: 'SELinuxOptions', seLinuxChangePolicy: 'SELinuxChangePolicy', apiVersion: 'APIVersion', iscsi: 'ISCSI', nfs: 'NFS',
  csi: 'CSI', rbd: 'RBD', fc: 'FC', cephfs: 'CephFS', awsElasticBlockStore: 'AWSElasticBlockStore', gcePersistentDisk: 'GCEPersistentDisk',
  downwardAPI: 'DownwardAPI', serviceAccount: 'DeprecatedServiceAccount', httpHeaders: 'HTTPHeaders', scaleIO: 'ScaleIO', storageos: 'StorageOS',
  podIP: 'PodIP', gmsaCredentialSpec: 'GMSACredentialSpec', gmsaCredentialSpecName: 'GMSACredentialSpecName',
};

const TYPE_NAMES: Record<string, string> = {
  containers: '[]core.Container', initContainers: '[]core.Container', ephemeralContainers: '[]core.EphemeralContainer', volumes: '[]core.Volume',
  tolerations: '[]core.Toleration', securityContext: '&core.SecurityContext', resources: 'core.ResourceRequirements', ports: '[]core.ContainerPort',
  env: '[]core.EnvVar', volumeMounts: '[]core.VolumeMount', command: '[]string', args: '[]string', projected: '&core.ProjectedVolumeSource',
  sources: '[]core.VolumeProjection', affinity: '&core.Affinity', nodeSelector: 'map[string]string', limits: 'core.ResourceList', requests: 'core.ResourceList',
};

/** Fields that are pointers in core.PodSpec and below: go-cmp prints a set one as `&2000`, an unset one as `nil`. */
const POINTERS = new Set([
  'runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'fsGroupChangePolicy', 'seLinuxChangePolicy', 'supplementalGroupsPolicy', 'procMount',
  'privileged', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'activeDeadlineSeconds', 'terminationGracePeriodSeconds', 'priority',
  'automountServiceAccountToken', 'enableServiceLinks', 'shareProcessNamespace', 'hostUsers', 'setHostnameAsFQDN', 'runtimeClassName',
  'preemptionPolicy', 'defaultMode', 'expirationSeconds', 'optional', 'mode',
]);

/** Value fields whose zero value go-cmp prints where the JSON leaves them out. */
const ZERO_FALSE = new Set(['hostNetwork', 'hostPID', 'hostIPC', 'stdin', 'stdinOnce', 'tty', 'readOnly']);
const ZERO_EMPTY = new Set([
  'nodeName', 'serviceAccountName', 'serviceAccount', 'hostname', 'subdomain', 'schedulerName', 'priorityClassName', 'restartPolicy',
  'dnsPolicy', 'image', 'imagePullPolicy', 'workingDir', 'terminationMessagePath', 'terminationMessagePolicy', 'name', 'mountPath', 'subPath',
]);

/** A scalar field's value as go-cmp prints it, the Go zero value where the JSON has none. */
function scalar(key: string, v: unknown): string {
  if (v === undefined || v === null) return ZERO_FALSE.has(key) ? 'false' : ZERO_EMPTY.has(key) ? '""' : 'nil';
  return POINTERS.has(key) && typeof v !== 'object' ? `&${compact(v)}` : compact(v);
}

export function goFieldName(key: string): string {
  return GO_NAMES[key] ?? key.charAt(0).toUpperCase() + key.slice(1);
}

/** A value in go-cmp's compact form: types elided, nesting beyond two levels shown as `{...}`. */
function compact(v: unknown, depth = 0): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v !== 'object') return String(v);
  if (depth >= 3) return '{...}';
  if (Array.isArray(v)) return `{${v.map((e) => compact(e, depth + 1)).join(', ')}}`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return `{${entries.map(([k, x]) => `${goFieldName(k)}: ${compact(x, depth + 1)}`).join(', ')}}`;
}

function identical(n: number, what: string, tabs: string): string[] {
  return n ? [`  ${tabs}... // ${n} identical ${what}${n === 1 ? '' : 's'}`] : [];
}

function diffObject(old: Record<string, unknown>, next: Record<string, unknown>, tabs: string): string[] {
  const keys = [...Object.keys(old), ...Object.keys(next).filter((k) => !(k in old))].filter((k) => old[k] !== undefined || next[k] !== undefined);
  const out: string[] = [];
  let same = 0;
  for (const k of keys) {
    if (semanticEqual(old[k], next[k], k)) {
      same++;
      continue;
    }
    out.push(...identical(same, 'field', tabs));
    same = 0;
    out.push(...diffField(`${goFieldName(k)}: `, k, old[k], next[k], tabs));
  }
  out.push(...identical(same, 'field', tabs));
  return out;
}

function diffField(label: string, key: string, old: unknown, next: unknown, tabs: string): string[] {
  // the pod's own securityContext is a PodSecurityContext; a container's is a SecurityContext
  const type = key === 'securityContext' && tabs === '\t' ? '&core.PodSecurityContext' : (TYPE_NAMES[key] ?? '');
  if (isObj(old) && isObj(next)) {
    return [`  ${tabs}${label}${type.startsWith('[]') ? '' : type}{`, ...diffObject(old, next, `${tabs}\t`), `  ${tabs}},`];
  }
  if (Array.isArray(old) && Array.isArray(next) && old.length === next.length) {
    const out = [`  ${tabs}${label}${type}{`];
    let same = 0;
    old.forEach((o, i) => {
      if (semanticEqual(o, next[i])) {
        same++;
        return;
      }
      out.push(...identical(same, 'element', `${tabs}\t`));
      same = 0;
      if (isObj(o) && isObj(next[i])) out.push(`  ${tabs}\t{`, ...diffObject(o, next[i] as Record<string, unknown>, `${tabs}\t\t`), `  ${tabs}\t},`);
      else out.push(`- ${tabs}\t${compact(o)},`, `+ ${tabs}\t${compact(next[i])},`);
    });
    out.push(...identical(same, 'element', `${tabs}\t`), `  ${tabs}},`);
    return out;
  }
  return [`- ${tabs}${label}${scalar(key, old)},`, `+ ${tabs}${label}${scalar(key, next)},`];
}

/** `cmp.Diff(old, new)` of two pod specs, in go-cmp's layout. */
export function podSpecDiff(old: Record<string, unknown>, next: Record<string, unknown>): string {
  return ['  core.PodSpec{', ...diffObject(old, next, '\t'), '  }', ''].join('\n');
}
