import { type FieldError, invalid, required, duplicate } from '../../errors/index.js';
import type { Pod, Volume } from '../types.js';
import { dns1123Label } from './names.js';

const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

/** ValidatePodSpec, the parts that matter for identity: containers, volumes, projections. */
export function validatePod(pod: Pod): FieldError[] {
  const errs: FieldError[] = [];
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object') return [required('spec', '')];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) errs.push(required('spec.containers', ''));
  const names = new Set<string>();
  for (const [field, list] of [['spec.containers', spec.containers], ['spec.initContainers', spec.initContainers]] as const) {
    (list ?? []).forEach((c, i) => {
      if (!c?.name) errs.push(required(`${field}[${i}].name`, ''));
      else {
        for (const m of dns1123Label(c.name)) errs.push(invalid(`${field}[${i}].name`, c.name, m));
        if (names.has(c.name)) errs.push(duplicate(`${field}[${i}].name`, c.name));
        names.add(c.name);
      }
      if (!c?.image) errs.push(required(`${field}[${i}].image`, ''));
    });
  }
  errs.push(...validateSecurityContext(spec.securityContext, 'spec.securityContext'));
  for (const [field, list] of [['spec.containers', spec.containers], ['spec.initContainers', spec.initContainers]] as const) {
    (list ?? []).forEach((c, i) => errs.push(...validateSecurityContext(c?.securityContext as Record<string, unknown> | undefined, `${field}[${i}].securityContext`)));
  }
  const volumeNames = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    if (!v?.name) errs.push(required(`spec.volumes[${i}].name`, ''));
    else {
      for (const m of dns1123Label(v.name)) errs.push(invalid(`spec.volumes[${i}].name`, v.name, m));
      if (volumeNames.has(v.name)) errs.push(duplicate(`spec.volumes[${i}].name`, v.name));
      volumeNames.add(v.name);
    }
    errs.push(...validateProjected(v, `spec.volumes[${i}]`));
  });
  return errs;
}

function validateProjected(v: Volume, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (v.projected?.sources ?? []).forEach((src, j) => {
    const t = src.serviceAccountToken;
    if (!t) return;
    const p = `${path}.projected.sources[${j}].serviceAccountToken`;
    const exp = t.expirationSeconds;
    if (typeof exp === 'number') {
      if (exp < MIN_TOKEN_SECONDS) errs.push(invalid(`${p}.expirationSeconds`, exp, 'may not specify a duration less than 10 minutes'));
      if (exp > MAX_TOKEN_SECONDS) errs.push(invalid(`${p}.expirationSeconds`, exp, 'may not specify a duration larger than 2^32 seconds'));
    }
    if (!t.path) errs.push(required(`${p}.path`, ''));
    else errs.push(...validateLocalPath(t.path, `${p}.path`));
  });
  return errs;
}

const MAX_ID = 2147483647;

/** Pod- and container-level securityContext ids (ValidatePodSecurityContext / ValidateSecurityContext). */
function validateSecurityContext(sc: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!sc || typeof sc !== 'object') return errs;
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const v = sc[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_ID) errs.push(invalid(`${path}.${f}`, v, `must be between 0 and ${MAX_ID}, inclusive`));
  }
  return errs;
}

/** validateLocalDescendingPath. */
function validateLocalPath(path: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (path.startsWith('/')) errs.push(invalid(field, path, 'must be a relative path'));
  if (path.split('/').includes('..')) errs.push(invalid(field, path, "must not contain '..'"));
  return errs;
}

/** SetDefaults_Pod and friends: what kubectl shows back after a create. */
export function defaultPod(pod: Pod): void {
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
      const tag = c.image.includes('@') ? 'digest' : (c.image.split('/').pop() ?? '').split(':')[1];
      c.imagePullPolicy = tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
    }
    c.resources ??= {};
  }
  for (const v of spec.volumes ?? []) {
    if (v.projected) {
      v.projected.defaultMode ??= 0o644;
      for (const s of v.projected.sources ?? []) {
        if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      }
    }
    if (v.secret) v.secret.defaultMode ??= 0o644;
    if (v.configMap) v.configMap.defaultMode ??= 0o644;
  }
}
