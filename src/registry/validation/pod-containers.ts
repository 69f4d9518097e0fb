import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../errors/index.js';
import { notFound } from './go-syntax.js';
import { validateLabelName } from './label-selector.js';
import { configMapKeyErrors, dns1123Label, dns1123Subdomain, maskTrailingDash, qualifiedName } from '../../util/name-validation.js';
import { validateLocalDescendingPath, validateObjectFieldSelector, validatePullPolicy, validateResourceFieldSelector } from './pod-volumes.js';
import { QUANTITY_FORMAT_ERROR, cmpQuantity, isNegative, isWhole, parseQuantity, quantityString } from './quantity.js';
import { type Fields, type Obj } from './typed-fields.js';

/**
 * Containers as pkg/apis/core/validation/validation.go checks them: validateContainerCommon
 * (name, image, termination message, ports, env, envFrom, mounts, pull policy, resources,
 * resize policy, security context), the regular and init container rules, probes, lifecycle
 * handlers and host port conflicts.
 */
export const MAX_ID = 2147483647;
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const PORT_NAME_RE = /^[-a-z0-9]+$/;
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'quotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps',
  'services.nodeports', 'services.loadbalancers', 'storage', 'requests.storage',
]);
const INTEGER_RESOURCES = new Set(['pods', 'quotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

export interface ContainerContext {
  /** volume name → source key, from validateVolumes */
  volumes: Map<string, string>;
  gracePeriod: number | undefined;
  podRestartPolicy: string;
  hostUsers: boolean;
}

/** IsValidPortNum. */
export function portNumErrors(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** IsValidPortName. */
export function portNameErrors(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!PORT_NAME_RE.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}


/** IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on by default since 1.32). */
function envVarNameErrors(name: string): string[] {
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c > 0x7e || c < 0x20 || ch === '=') return ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
  }
  return [];
}

/** ValidatePortNumOrName for an IntOrString. */
export function validatePortNumOrName(v: unknown, path: string): FieldError[] {
  if (typeof v === 'number') return portNumErrors(v).map((m) => invalid(path, v, m));
  if (typeof v === 'string') return portNameErrors(v).map((m) => invalid(path, v, m));
  return [invalid(path, v ?? 0, 'must be between 1 and 65535, inclusive')];
}

/** validateContainers: the regular containers of a pod or template. */
export function validateContainers(f: Fields, containers: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const list = f.objList(containers, path);
  if (list.length === 0) return [required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, c] of list) {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(f, c, p, ctx));
    const name = typeof c.name === 'string' ? c.name : '';
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    const lifecycle = f.obj(c.lifecycle, `${p}.lifecycle`);
    if (lifecycle) errs.push(...validateLifecycle(f, lifecycle, `${p}.lifecycle`, ctx.gracePeriod));
    errs.push(...validateProbe(f, c.livenessProbe, `${p}.livenessProbe`, ctx.gracePeriod, 'liveness'));
    errs.push(...validateProbe(f, c.readinessProbe, `${p}.readinessProbe`, ctx.gracePeriod, 'readiness'));
    errs.push(...validateProbe(f, c.startupProbe, `${p}.startupProbe`, ctx.gracePeriod, 'startup'));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) errs.push(forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  }
  errs.push(...hostPortConflicts(list, path));
  return errs;
}

/** validateInitContainers: names unique across init and regular containers; probes only for restartable ones. */
export function validateInitContainers(f: Fields, inits: unknown, regular: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((Array.isArray(regular) ? regular : []).map((c) => (c && typeof c === 'object' ? (c as Obj).name : undefined)).filter((n): n is string => typeof n === 'string'));
  for (const [i, c] of f.objList(inits, path)) {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(f, c, p, ctx));
    let restartAlways = false;
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) {
      if (c.restartPolicy !== 'Always') errs.push(notSupported(`${p}.restartPolicy`, c.restartPolicy, ['Always']));
      restartAlways = c.restartPolicy === 'Always';
    }
    const name = typeof c.name === 'string' ? c.name : '';
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else if (name) names.add(name);
    errs.push(...hostPortConflicts([[0, c]], path));
    if (restartAlways) {
      const lifecycle = f.obj(c.lifecycle, `${p}.lifecycle`);
      if (lifecycle) errs.push(...validateLifecycle(f, lifecycle, `${p}.lifecycle`, ctx.gracePeriod));
      errs.push(...validateProbe(f, c.livenessProbe, `${p}.livenessProbe`, ctx.gracePeriod, 'liveness'));
      errs.push(...validateProbe(f, c.readinessProbe, `${p}.readinessProbe`, ctx.gracePeriod, 'readiness'));
      errs.push(...validateProbe(f, c.startupProbe, `${p}.startupProbe`, ctx.gracePeriod, 'startup'));
    } else {
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[k] !== undefined && c[k] !== null) errs.push(forbidden(`${p}.${k}`, 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  }
  return errs;
}

/** validateEphemeralContainers (names only: ephemeral containers are refused on create and pod updates). */
export function validateEphemeralContainers(f: Fields, eph: unknown, containers: unknown, inits: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set<string>();
  for (const l of [containers, inits]) for (const c of Array.isArray(l) ? l : []) if (c && typeof (c as Obj).name === 'string') others.add((c as Obj).name as string);
  const all = new Set(others);
  for (const [i, c] of f.objList(eph, path)) {
    const p = `${path}[${i}]`;
    errs.push(...validateContainerCommon(f, c, p, ctx));
    const name = typeof c.name === 'string' ? c.name : '';
    if (all.has(name)) errs.push(duplicate(`${p}.name`, name));
    else all.add(name);
    const target = typeof c.targetContainerName === 'string' ? c.targetContainerName : '';
    if (target && !others.has(target)) errs.push(notFound(`${p}.targetContainerName`, target));
  }
  return errs;
}

/** validateContainerCommon. */
function validateContainerCommon(f: Fields, c: Obj, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = f.str(c.name, `${path}.name`) ?? '';
  if (!name) errs.push(required(`${path}.name`, ''));
  else for (const m of dns1123Label(name)) errs.push(invalid(`${path}.name`, name, m));
  if (!(f.str(c.image, `${path}.image`) ?? '')) errs.push(required(`${path}.image`, ''));
  const tmp = f.str(c.terminationMessagePolicy, `${path}.terminationMessagePolicy`) ?? '';
  if (tmp === '') errs.push(required(`${path}.terminationMessagePolicy`, ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  f.str(c.terminationMessagePath, `${path}.terminationMessagePath`);
  f.strList(c.command, `${path}.command`);
  f.strList(c.args, `${path}.args`);
  f.str(c.workingDir, `${path}.workingDir`);
  errs.push(...validatePorts(f, c.ports, `${path}.ports`));
  errs.push(...validateEnv(f, c.env, `${path}.env`));
  errs.push(...validateEnvFrom(f, c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(f, c, `${path}.volumeMounts`, ctx));
  errs.push(...validatePullPolicy(f.str(c.imagePullPolicy, `${path}.imagePullPolicy`) ?? '', `${path}.imagePullPolicy`));
  errs.push(...validateResources(f, c.resources, `${path}.resources`));
  errs.push(...validateResizePolicy(f, c.resizePolicy, `${path}.resizePolicy`, ctx.podRestartPolicy));
  errs.push(...validateContainerSecurityContext(f, c.securityContext, `${path}.securityContext`, ctx.hostUsers));
  return errs;
}

function validatePorts(f: Fields, ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, port] of f.objList(ports, path)) {
    const p = `${path}[${i}]`;
    const name = f.str(port.name, `${p}.name`) ?? '';
    if (name) {
      const msgs = portNameErrors(name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(`${p}.name`, name, m));
      else if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    const cp = f.int(port.containerPort, `${p}.containerPort`) ?? 0;
    if (cp === 0) errs.push(required(`${p}.containerPort`, ''));
    else for (const m of portNumErrors(cp)) errs.push(invalid(`${p}.containerPort`, cp, m));
    const hp = f.int(port.hostPort, `${p}.hostPort`) ?? 0;
    if (hp !== 0) for (const m of portNumErrors(hp)) errs.push(invalid(`${p}.hostPort`, hp, m));
    const proto = f.str(port.protocol, `${p}.protocol`) ?? '';
    if (!proto) errs.push(required(`${p}.protocol`, ''));
    else if (!['SCTP', 'TCP', 'UDP'].includes(proto)) errs.push(notSupported(`${p}.protocol`, proto, ['SCTP', 'TCP', 'UDP']));
  }
  return errs;
}

/** AccumulateUniqueHostPorts over one list of containers. */
function hostPortConflicts(list: Array<[number, Obj]>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [ci, c] of list) {
    (Array.isArray(c.ports) ? c.ports : []).forEach((port: unknown, pi: number) => {
      const o = (port && typeof port === 'object' ? port : {}) as Obj;
      const hp = typeof o.hostPort === 'number' ? o.hostPort : 0;
      if (hp === 0) return;
      const key = `${String(o.protocol ?? '')}/${String(o.hostIP ?? '')}/${hp}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  }
  return errs;
}

function validateEnv(f: Fields, env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, ev] of f.objList(env, path)) {
    const p = `${path}[${i}]`;
    const name = f.str(ev.name, `${p}.name`) ?? '';
    if (!name) errs.push(required(`${p}.name`, ''));
    else for (const m of envVarNameErrors(name)) errs.push(invalid(`${p}.name`, name, m));
    const value = f.str(ev.value, `${p}.value`) ?? '';
    const from = f.obj(ev.valueFrom, `${p}.valueFrom`);
    if (!from) continue;
    const fp = `${p}.valueFrom`;
    let n = 0;
    const fieldRef = f.obj(from.fieldRef, `${fp}.fieldRef`);
    if (fieldRef) {
      n++;
      errs.push(...validateObjectFieldSelector(f, fieldRef, ENV_FIELD_PATHS, `${fp}.fieldRef`));
    }
    const resourceFieldRef = f.obj(from.resourceFieldRef, `${fp}.resourceFieldRef`);
    if (resourceFieldRef) {
      n++;
      errs.push(...validateResourceFieldSelector(f, resourceFieldRef, `${fp}.resourceFieldRef`, false));
    }
    for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
      const ref = f.obj(from[kind], `${fp}.${kind}`);
      if (!ref) continue;
      n++;
      const refName = f.str(ref.name, `${fp}.${kind}.name`) ?? '';
      for (const m of dns1123Subdomain(refName)) errs.push(invalid(`${fp}.${kind}.name`, refName, m));
      const key = f.str(ref.key, `${fp}.${kind}.key`) ?? '';
      if (!key) errs.push(required(`${fp}.${kind}.key`, ''));
      else for (const m of configMapKeyErrors(key)) errs.push(invalid(`${fp}.${kind}.key`, key, m));
    }
    if (n === 0) errs.push(invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (value) errs.push(invalid(fp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(invalid(fp, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateEnvFrom(f: Fields, envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, ev] of f.objList(envFrom, path)) {
    const p = `${path}[${i}]`;
    const prefix = f.str(ev.prefix, `${p}.prefix`) ?? '';
    if (prefix) for (const m of envVarNameErrors(prefix)) errs.push(invalid(`${p}.prefix`, prefix, m));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = f.obj(ev[kind], `${p}.${kind}`);
      if (!ref) continue;
      n++;
      const name = f.str(ref.name, `${p}.${kind}.name`) ?? '';
      if (!name) errs.push(required(`${p}.${kind}.name`, ''));
      else for (const m of dns1123Subdomain(maskTrailingDash(name))) errs.push(invalid(`${p}.${kind}.name`, name, m));
    }
    if (n === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateVolumeMounts(f: Fields, c: Obj, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const devices = new Map<string, string>();
  for (const [, d] of f.objList(c.volumeDevices, `${path.replace(/volumeMounts$/, 'volumeDevices')}`)) {
    if (typeof d.name === 'string') devices.set(d.name, typeof d.devicePath === 'string' ? d.devicePath : '');
  }
  const sc = c.securityContext && typeof c.securityContext === 'object' ? (c.securityContext as Obj) : {};
  for (const [i, m] of f.objList(c.volumeMounts, path)) {
    const p = `${path}[${i}]`;
    const name = f.str(m.name, `${p}.name`) ?? '';
    const mountPath = f.str(m.mountPath, `${p}.mountPath`) ?? '';
    if (!name) errs.push(required(`${p}.name`, ''));
    if (!ctx.volumes.has(name)) errs.push(notFound(`${p}.name`, name));
    if (!mountPath) errs.push(required(`${p}.mountPath`, ''));
    if (mountPoints.has(mountPath)) errs.push(invalid(`${p}.mountPath`, mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.push(invalid(`${p}.name`, name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(mountPath)) errs.push(invalid(`${p}.mountPath`, mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = f.str(m.subPath, `${p}.subPath`) ?? '';
    const subPathExpr = f.str(m.subPathExpr, `${p}.subPathExpr`) ?? '';
    if (ctx.volumes.get(name) === 'image') {
      if (subPath) errs.push(invalid(`${p}.subPath`, subPath, 'not allowed in image volume sources'));
      if (subPathExpr) errs.push(invalid(`${p}.subPathExpr`, subPathExpr, 'not allowed in image volume sources'));
    }
    // IMPORTANT: Kubernetes reports these at the list's path, without the mount's index
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, `${path}.subPath`));
    if (subPathExpr) {
      if (subPath) errs.push(invalid(`${p}.subPathExpr`, subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, `${path}.subPathExpr`));
    }
    const prop = f.str(m.mountPropagation, `${p}.mountPropagation`);
    if (prop !== undefined) {
      if (!['Bidirectional', 'HostToContainer', 'None'].includes(prop)) errs.push(notSupported(`${path}.mountPropagation`, prop, ['Bidirectional', 'HostToContainer', 'None']));
      if (prop === 'Bidirectional' && sc.privileged !== true) errs.push(forbidden(`${path}.mountPropagation`, 'Bidirectional mount propagation is available only to privileged containers'));
    }
    const rro = f.str(m.recursiveReadOnly, `${p}.recursiveReadOnly`);
    if (rro !== undefined && rro !== 'Disabled') {
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) errs.push(forbidden(`${path}.recursiveReadOnly`, 'may only be specified when readOnly is true'));
        if (prop !== undefined && prop !== 'None') errs.push(forbidden(`${path}.recursiveReadOnly`, 'may only be specified when mountPropagation is None or not specified'));
      } else {
        errs.push(notSupported(`${path}.recursiveReadOnly`, rro, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  }
  return errs;
}

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

function isNative(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isExtended(name: string): boolean {
  return !isNative(name) && !name.startsWith('requests.') && qualifiedName(`requests.${name}`).length === 0;
}

/** validateContainerResourceName. */
function resourceNameErrors(name: string, path: string): FieldError[] {
  const msgs = qualifiedName(name);
  if (msgs.length) return msgs.map((m) => invalid(path, name, m));
  const errs: FieldError[] = [];
  if (!name.includes('/')) {
    if (!STANDARD_RESOURCES.has(name) && !isHugePages(name)) errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
    if (!['cpu', 'memory', 'ephemeral-storage'].includes(name) && !isHugePages(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateContainerResourceRequirements (validateResourceRequirements): names, quantities, requests ≤ limits. */
export function validateResources(f: Fields, resources: unknown, path: string): FieldError[] {
  const r = f.obj(resources, path);
  if (!r) return [];
  const errs: FieldError[] = [];
  const limits = f.obj(r.limits, `${path}.limits`) ?? {};
  const requests = f.obj(r.requests, `${path}.requests`) ?? {};
  const parsed = (v: unknown, p: string) => {
    const q = parseQuantity(v);
    if (!q) errs.push(invalid(p, v, QUANTITY_FORMAT_ERROR));
    return q;
  };
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, v] of Object.entries(limits)) {
    const p = `${path}.limits[${name}]`;
    errs.push(...resourceNameErrors(name, p));
    const q = parsed(v, p);
    if (q && isNegative(q)) errs.push(invalid(p, quantityString(q), 'must be greater than or equal to 0'));
    if (q && (INTEGER_RESOURCES.has(name) || isExtended(name)) && !isWhole(q)) errs.push(invalid(p, quantityString(q), 'must be an integer'));
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, v] of Object.entries(requests)) {
    const p = `${path}.requests[${name}]`;
    errs.push(...resourceNameErrors(name, p));
    const q = parsed(v, p);
    if (q && isNegative(q)) errs.push(invalid(p, quantityString(q), 'must be greater than or equal to 0'));
    if (q && (INTEGER_RESOURCES.has(name) || isExtended(name)) && !isWhole(q)) errs.push(invalid(p, quantityString(q), 'must be an integer'));
    const overcommit = isNative(name) && !isHugePages(name);
    const limit = name in limits ? parseQuantity(limits[name]) : undefined;
    if (q && limit) {
      if (!overcommit && cmpQuantity(q, limit) !== 0) errs.push(invalid(`${path}.requests`, quantityString(q), `must be equal to ${name} limit of ${quantityString(limit)}`));
      else if (cmpQuantity(q, limit) > 0) errs.push(invalid(`${path}.requests`, quantityString(q), `must be less than or equal to ${name} limit of ${quantityString(limit)}`));
    } else if (!(name in limits) && !overcommit) {
      errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (hugePages && !cpuOrMemory) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}

function validateResizePolicy(f: Fields, list: unknown, path: string, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, pol] of f.objList(list, path)) {
    const name = f.str(pol.resourceName, `${path}[${i}].resourceName`) ?? '';
    const rp = f.str(pol.restartPolicy, `${path}[${i}].restartPolicy`) ?? '';
    if (seen.has(name)) errs.push(duplicate(`${path}[${i}]`, name));
    seen.add(name);
    if (name === '') errs.push(required(path, ''));
    else if (name !== 'cpu' && name !== 'memory') errs.push(notSupported(path, name, ['cpu', 'memory']));
    if (rp === '') errs.push(required(path, ''));
    else if (rp !== 'NotRequired' && rp !== 'RestartContainer') errs.push(notSupported(path, rp, ['NotRequired', 'RestartContainer']));
    if (podRestartPolicy === 'Never' && rp !== 'NotRequired') errs.push(invalid(path, rp, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  }
  return errs;
}

/** IsValidUserID / IsValidGroupID. */
export function idErrors(f: Fields, v: unknown, path: string): FieldError[] {
  const n = f.int(v, path);
  return n !== undefined && (n < 0 || n > MAX_ID) ? [invalid(path, n, `must be between 0 and ${MAX_ID}, inclusive`)] : [];
}

/** validateSeccompProfileField. */
export function validateSeccompProfile(f: Fields, v: unknown, path: string): FieldError[] {
  const sp = f.obj(v, path);
  if (!sp) return [];
  const errs: FieldError[] = [];
  const type = f.str(sp.type, `${path}.type`) ?? '';
  if (type === '') errs.push(required(`${path}.type`, 'type is required when seccompProfile is set'));
  else if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(type)) errs.push(notSupported(`${path}.type`, type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  const lp = f.str(sp.localhostProfile, `${path}.localhostProfile`);
  if (type === 'Localhost') {
    if (lp === undefined) errs.push(required(`${path}.localhostProfile`, 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(lp, `${path}.localhostProfile`));
  } else if (lp !== undefined) {
    errs.push(invalid(`${path}.localhostProfile`, sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

/** ValidateAppArmorProfileField. */
export function validateAppArmorProfile(f: Fields, v: unknown, path: string): FieldError[] {
  const p = f.obj(v, path);
  if (!p) return [];
  const type = f.str(p.type, `${path}.type`) ?? '';
  const lp = f.str(p.localhostProfile, `${path}.localhostProfile`);
  switch (type) {
    case 'Localhost':
      if (lp === undefined || lp.trim() === '') return [required(`${path}.localhostProfile`, 'must be set when AppArmor type is Localhost')];
      if (lp.trim() !== lp) return [invalid(`${path}.localhostProfile`, lp, 'must not be padded with whitespace')];
      return [];
    case 'RuntimeDefault':
    case 'Unconfined':
      return lp !== undefined ? [invalid(`${path}.localhostProfile`, lp, 'can only be set when AppArmor type is Localhost')] : [];
    case '':
      return [required(`${path}.type`, 'type is required when appArmorProfile is set')];
    default:
      return [notSupported(`${path}.type`, type, ['Localhost', 'RuntimeDefault', 'Unconfined'])];
  }
}

/** ValidateSecurityContext (a container's). Privileged containers are allowed (--allow-privileged=true, as kubeadm and kind set it). */
function validateContainerSecurityContext(f: Fields, v: unknown, path: string, hostUsers: boolean): FieldError[] {
  const sc = f.obj(v, path);
  if (!sc) return [];
  const errs: FieldError[] = [];
  f.bool(sc.privileged, `${path}.privileged`);
  errs.push(...idErrors(f, sc.runAsUser, `${path}.runAsUser`));
  errs.push(...idErrors(f, sc.runAsGroup, `${path}.runAsGroup`));
  f.bool(sc.runAsNonRoot, `${path}.runAsNonRoot`);
  f.bool(sc.readOnlyRootFilesystem, `${path}.readOnlyRootFilesystem`);
  const procMount = f.str(sc.procMount, `${path}.procMount`);
  if (procMount !== undefined) {
    if (procMount !== 'Default' && procMount !== 'Unmasked') errs.push(notSupported(`${path}.procMount`, procMount, ['Default', 'Unmasked']));
    if (hostUsers && procMount === 'Unmasked') errs.push(invalid(`${path}.procMount`, procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfile(f, sc.seccompProfile, `${path}.seccompProfile`));
  const ape = f.bool(sc.allowPrivilegeEscalation, `${path}.allowPrivilegeEscalation`);
  if (ape === false) {
    if (sc.privileged === true) errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    const caps = f.obj(sc.capabilities, `${path}.capabilities`);
    if ((f.strList(caps?.add, `${path}.capabilities.add`) ?? []).includes('CAP_SYS_ADMIN')) {
      errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  } else {
    const caps = f.obj(sc.capabilities, `${path}.capabilities`);
    f.strList(caps?.add, `${path}.capabilities.add`);
    f.strList(caps?.drop, `${path}.capabilities.drop`);
  }
  errs.push(...validateAppArmorProfile(f, sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

/** validateLifecycle: postStart and preStop handlers. */
function validateLifecycle(f: Fields, lifecycle: Obj, path: string, grace: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['postStart', 'preStop']) {
    const h = f.obj(lifecycle[k], `${path}.${k}`);
    if (h) errs.push(...validateHandler(f, h, `${path}.${k}`, grace, true));
  }
  return errs;
}

function validateProbe(f: Fields, v: unknown, path: string, grace: number | undefined, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  const probe = f.obj(v, path);
  if (!probe) return [];
  const errs = validateHandler(f, probe, path, grace, false);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const n = f.int(probe[k], `${path}.${k}`) ?? 0;
    if (n < 0) errs.push(invalid(`${path}.${k}`, n, 'must be greater than or equal to 0'));
  }
  const tgps = f.int(probe.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`);
  if (tgps !== undefined && tgps <= 0) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, tgps, 'must be greater than 0'));
  const success = f.int(probe.successThreshold, `${path}.successThreshold`) ?? 0;
  if (kind !== 'readiness' && success !== 1) errs.push(invalid(`${path}.successThreshold`, success, 'must be 1'));
  if (kind === 'readiness' && tgps !== undefined) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, tgps, 'must not be set for readinessProbes'));
  return errs;
}

function validateHandler(f: Fields, h: Obj, path: string, grace: number | undefined, lifecycle: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const kinds = lifecycle ? ['exec', 'httpGet', 'tcpSocket', 'sleep'] : ['exec', 'httpGet', 'tcpSocket', 'grpc'];
  for (const k of kinds) {
    const a = f.obj(h[k], `${path}.${k}`);
    if (!a) continue;
    if (n > 0) {
      errs.push(forbidden(`${path}.${k}`, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const p = `${path}.${k}`;
    switch (k) {
      case 'exec':
        if ((f.strList(a.command, `${p}.command`) ?? []).length === 0) errs.push(required(`${p}.command`, ''));
        break;
      case 'httpGet': {
        if (!(f.str(a.path, `${p}.path`) ?? '')) errs.push(required(`${p}.path`, ''));
        errs.push(...validatePortNumOrName(a.port, `${p}.port`));
        const scheme = f.str(a.scheme, `${p}.scheme`) ?? '';
        if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(notSupported(`${p}.scheme`, scheme, ['HTTP', 'HTTPS']));
        for (const [, hdr] of f.objList(a.httpHeaders, `${p}.httpHeaders`)) {
          const hn = typeof hdr.name === 'string' ? hdr.name : '';
          if (!/^[-A-Za-z0-9]+$/.test(hn)) {
            errs.push(invalid(`${p}.httpHeaders`, hn, "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
          }
        }
        break;
      }
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(a.port, `${p}.port`));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(f.int(a.port, `${p}.port`) ?? 0, `${p}.port`));
        break;
      case 'sleep': {
        const s = f.int(a.seconds, `${p}.seconds`) ?? 0;
        if (grace !== undefined && (s < 0 || s > grace)) errs.push(invalid(p, s, `must be non-negative and less than terminationGracePeriodSeconds (${grace})`));
        break;
      }
    }
  }
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

/** ValidateTolerations. */
export function validateTolerations(f: Fields, tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, t] of f.objList(tolerations, path)) {
    const p = `${path}[${i}]`;
    const key = f.str(t.key, `${p}.key`) ?? '';
    const op = f.str(t.operator, `${p}.operator`) ?? '';
    const value = f.str(t.value, `${p}.value`) ?? '';
    const effect = f.str(t.effect, `${p}.effect`) ?? '';
    const seconds = f.int(t.tolerationSeconds, `${p}.tolerationSeconds`);
    if (key) errs.push(...validateLabelName(key, `${p}.key`));
    if (!key && op !== 'Exists') errs.push(invalid(`${p}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (seconds !== undefined && effect !== 'NoExecute') errs.push(invalid(`${p}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const msgs = labelValueErrors(value);
      if (msgs.length) errs.push(invalid(`${p}.operator`, value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value) errs.push(invalid(`${p}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${p}.operator`, op, ['Equal', 'Exists']));
    }
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) errs.push(notSupported(`${p}.effect`, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
  }
  return errs;
}

function labelValueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
    errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  }
  return errs;
}
