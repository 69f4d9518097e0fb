import { isIP } from 'node:net';
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../errors/index.js';
import { validateLabelMap, validateLabelName, validateLabelSelector } from './label-selector.js';
import { dns1123Label, dns1123Subdomain, labelValue, qualifiedName } from '../../util/name-validation.js';
import { validateAnnotations, validateLabels } from './object-meta.js';
import { type ContainerContext, idErrors, validateAppArmorProfile, validateContainers, validateEphemeralContainers, validateInitContainers, validateResources, validateSeccompProfile, validateTolerations } from './pod-containers.js';
import { validateVolumes } from './pod-volumes.js';
import { type Fields, type Obj } from './typed-fields.js';

/**
 * ValidatePodSpec and ValidatePodTemplateSpec (pkg/apis/core/validation/validation.go), the
 * spec-wide rules around the volume and container checks, for a pod (`isPod`, the Go
 * ResourceIsPod option) or a workload's template.
 */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';
const MAX_INT32 = 2147483647;
const SYSCTL_RE = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;

/** ValidatePodSpec. `podName` is the pod's name (undefined for a template). */
export function validatePodSpec(f: Fields, spec: Obj, path: string, podName: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const isPod = podName !== undefined;
  const grace = f.int(spec.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`);
  if (grace === undefined) errs.push(required(`${path}.terminationGracePeriodSeconds`, ''));
  const sc = f.obj(spec.securityContext, `${path}.securityContext`);
  const hostUsers = f.bool(spec.hostUsers, `${path}.hostUsers`) ?? true;
  const restartPolicy = f.str(spec.restartPolicy, `${path}.restartPolicy`) ?? '';
  const vols = validateVolumes(f, spec.volumes, `${path}.volumes`, podName);
  errs.push(...vols.errs);
  const ctx: ContainerContext = { volumes: vols.info.sources, gracePeriod: grace, podRestartPolicy: restartPolicy, hostUsers };
  errs.push(...validateContainers(f, spec.containers, `${path}.containers`, ctx));
  errs.push(...validateInitContainers(f, spec.initContainers, spec.containers, `${path}.initContainers`, ctx));
  errs.push(...validateEphemeralContainers(f, spec.ephemeralContainers, spec.containers, spec.initContainers, `${path}.ephemeralContainers`, ctx));
  errs.push(...validateHostNetworkPorts(f, spec, path, isPod));
  if (restartPolicy === '') errs.push(required(`${path}.restartPolicy`, ''));
  else if (!['Always', 'OnFailure', 'Never'].includes(restartPolicy)) errs.push(notSupported(`${path}.restartPolicy`, restartPolicy, ['Always', 'OnFailure', 'Never']));
  const dnsPolicy = f.str(spec.dnsPolicy, `${path}.dnsPolicy`) ?? '';
  if (dnsPolicy === '') errs.push(required(`${path}.dnsPolicy`, ''));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dnsPolicy)) {
    errs.push(notSupported(`${path}.dnsPolicy`, dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  errs.push(...validateLabelMap(f.strMap(spec.nodeSelector, `${path}.nodeSelector`), `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(f, sc, spec, path));
  for (const [i, s] of f.objList(spec.imagePullSecrets, `${path}.imagePullSecrets`)) f.str(s.name, `${path}.imagePullSecrets[${i}].name`);
  errs.push(...validateAffinity(f, spec.affinity, `${path}.affinity`));
  errs.push(...validateDNSConfig(f, spec.dnsConfig, dnsPolicy, `${path}.dnsConfig`));
  for (const [i, g] of f.objList(spec.readinessGates, `${path}.readinessGates`)) {
    const t = f.str(g.conditionType, `${path}.readinessGates[${i}].conditionType`) ?? '';
    for (const m of qualifiedName(t)) errs.push(invalid(`${path}.readinessGates[${i}].conditionType`, t, m));
  }
  errs.push(...validateSchedulingGates(f, spec.schedulingGates, `${path}.schedulingGates`));
  errs.push(...validateTopologySpread(f, spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  errs.push(...validateHostUsers(spec, hostUsers, path));
  const sa = f.str(spec.serviceAccountName, `${path}.serviceAccountName`) ?? '';
  if (sa) for (const m of dns1123Subdomain(sa)) errs.push(invalid(`${path}.serviceAccountName`, sa, m));
  f.str(spec.serviceAccount, `${path}.serviceAccount`);
  f.bool(spec.automountServiceAccountToken, `${path}.automountServiceAccountToken`);
  f.bool(spec.enableServiceLinks, `${path}.enableServiceLinks`);
  const nodeName = f.str(spec.nodeName, `${path}.nodeName`) ?? '';
  if (nodeName) for (const m of dns1123Subdomain(nodeName)) errs.push(invalid(`${path}.nodeName`, nodeName, m));
  const ads = f.int(spec.activeDeadlineSeconds, `${path}.activeDeadlineSeconds`);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32)) errs.push(invalid(`${path}.activeDeadlineSeconds`, ads, `must be between 1 and ${MAX_INT32}, inclusive`));
  for (const k of ['hostname', 'subdomain']) {
    const v = f.str(spec[k], `${path}.${k}`) ?? '';
    if (v) for (const m of dns1123Label(v)) errs.push(invalid(`${path}.${k}`, v, m));
  }
  errs.push(...validateTolerations(f, spec.tolerations, `${path}.tolerations`));
  for (const [i, ha] of f.objList(spec.hostAliases, `${path}.hostAliases`)) {
    const ip = f.str(ha.ip, `${path}.hostAliases[${i}].ip`) ?? '';
    if (!isIP(ip)) errs.push(invalid(`${path}.hostAliases[${i}].ip`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    (f.strList(ha.hostnames, `${path}.hostAliases[${i}].hostnames`) ?? []).forEach((h, j) => {
      for (const m of dns1123Subdomain(h)) errs.push(invalid(`${path}.hostAliases[${i}].hostnames[${j}]`, h, m));
    });
  }
  for (const k of ['priorityClassName', 'runtimeClassName', 'schedulerName']) {
    const v = f.str(spec[k], `${path}.${k}`);
    if (k !== 'schedulerName' && v !== undefined && (v !== '' || k === 'runtimeClassName')) for (const m of dns1123Subdomain(v)) errs.push(invalid(`${path}.${k}`, v, m));
  }
  f.int(spec.priority, `${path}.priority`);
  const pp = f.str(spec.preemptionPolicy, `${path}.preemptionPolicy`);
  if (pp !== undefined) {
    if (pp === '') errs.push(required(`${path}.preemptionPolicy`, ''));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(notSupported(`${path}.preemptionPolicy`, pp, ['PreemptLowerPriority', 'Never']));
  }
  if (spec.overhead !== undefined && spec.overhead !== null) errs.push(...validateResources(f, { limits: spec.overhead }, `${path}.overhead`).map((e) => e));
  errs.push(...validateOS(f, spec, path));
  return errs;
}

function validateHostNetworkPorts(f: Fields, spec: Obj, path: string, isPod: boolean): FieldError[] {
  if (f.bool(spec.hostNetwork, `${path}.hostNetwork`) !== true) return [];
  const errs: FieldError[] = [];
  for (const [i, c] of f.objList(spec.containers, `${path}.containers`)) {
    (Array.isArray(c.ports) ? c.ports : []).forEach((port: unknown, j: number) => {
      const o = (port && typeof port === 'object' ? port : {}) as Obj;
      const hp = typeof o.hostPort === 'number' ? o.hostPort : 0;
      const cp = typeof o.containerPort === 'number' ? o.containerPort : 0;
      if ((isPod || hp !== 0) && hp !== cp) errs.push(invalid(`${path}.containers[${i}].ports[${j}].hostPort`, hp, 'must match `containerPort` when `hostNetwork` is true'));
    });
  }
  return errs;
}

/** validatePodSpecSecurityContext (hostPID and hostIPC live in the v1 spec, in the internal securityContext). */
function validatePodSecurityContext(f: Fields, sc: Obj | undefined, spec: Obj, specPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const path = `${specPath}.securityContext`;
  f.bool(spec.hostPID, `${specPath}.hostPID`);
  f.bool(spec.hostIPC, `${specPath}.hostIPC`);
  const share = f.bool(spec.shareProcessNamespace, `${specPath}.shareProcessNamespace`);
  if (share === true && spec.hostPID === true) errs.push(invalid(`${path}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  if (!sc) return errs;
  errs.push(...idErrors(f, sc.fsGroup, `${path}.fsGroup`));
  errs.push(...idErrors(f, sc.runAsUser, `${path}.runAsUser`));
  errs.push(...idErrors(f, sc.runAsGroup, `${path}.runAsGroup`));
  f.bool(sc.runAsNonRoot, `${path}.runAsNonRoot`);
  (f.arr(sc.supplementalGroups, `${path}.supplementalGroups`) ?? []).forEach((g, i) => errs.push(...idErrors(f, g, `${path}.supplementalGroups[${i}]`)));
  const names = new Set<string>();
  for (const [i, s] of f.objList(sc.sysctls, `${path}.sysctls`)) {
    const name = f.str(s.name, `${path}.sysctls[${i}].name`) ?? '';
    if (!name) errs.push(required(`${path}.sysctls[${i}].name`, ''));
    else if (name.length > 253 || !SYSCTL_RE.test(name)) {
      errs.push(invalid(`${path}.sysctls[${i}].name`, name, `must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`));
    } else if (names.has(name)) errs.push(duplicate(`${path}.sysctls[${i}].name`, name));
    names.add(name);
  }
  const fgcp = f.str(sc.fsGroupChangePolicy, `${path}.fsGroupChangePolicy`);
  if (fgcp !== undefined && fgcp !== 'Always' && fgcp !== 'OnRootMismatch') errs.push(notSupported(`${path}.fsGroupChangePolicy`, fgcp, ['Always', 'OnRootMismatch']));
  errs.push(...validateSeccompProfile(f, sc.seccompProfile, `${path}.seccompProfile`));
  errs.push(...validateAppArmorProfile(f, sc.appArmorProfile, `${path}.appArmorProfile`));
  const sgp = f.str(sc.supplementalGroupsPolicy, `${path}.supplementalGroupsPolicy`);
  if (sgp !== undefined && sgp !== 'Merge' && sgp !== 'Strict') errs.push(notSupported(`${path}.supplementalGroupsPolicy`, sgp, ['Merge', 'Strict']));
  const selcp = f.str(sc.seLinuxChangePolicy, `${path}.seLinuxChangePolicy`);
  if (selcp !== undefined && selcp !== 'MountOption' && selcp !== 'Recursive') errs.push(notSupported(`${path}.seLinuxChangePolicy`, selcp, ['MountOption', 'Recursive']));
  return errs;
}

function validateHostUsers(spec: Obj, hostUsers: boolean, path: string): FieldError[] {
  if (hostUsers) return [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork === true) errs.push(forbidden(`${path}.hostNetwork`, 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostPID === true) errs.push(forbidden(`${path}.HostPID`, 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostIPC === true) errs.push(forbidden(`${path}.HostIPC`, 'when `pod.Spec.HostUsers` is false'));
  return errs;
}

function validateOS(f: Fields, spec: Obj, path: string): FieldError[] {
  const os = f.obj(spec.os, `${path}.os`);
  if (!os) return [];
  const name = f.str(os.name, `${path}.os.name`) ?? '';
  if (!name) return [required(`${path}.os.name`, 'cannot be empty')];
  if (name !== 'linux' && name !== 'windows') return [notSupported(`${path}.os`, name, ['linux', 'windows'])];
  return name === 'linux' ? validateLinux(spec, path) : validateWindows(spec, path);
}

function containersWithPaths(spec: Obj, path: string): Array<[Obj, string]> {
  const out: Array<[Obj, string]> = [];
  for (const k of ['initContainers', 'containers', 'ephemeralContainers']) {
    (Array.isArray(spec[k]) ? (spec[k] as unknown[]) : []).forEach((c, i) => {
      if (c && typeof c === 'object' && !Array.isArray(c)) out.push([c as Obj, `${path}.${k}[${i}]`]);
    });
  }
  return out;
}

function has(o: Obj | undefined, k: string): boolean {
  return !!o && o[k] !== undefined && o[k] !== null;
}

/** validateLinux: no Windows options. */
function validateLinux(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sc = spec.securityContext && typeof spec.securityContext === 'object' ? (spec.securityContext as Obj) : undefined;
  if (has(sc, 'windowsOptions')) errs.push(forbidden(`${path}.securityContext.windowsOptions`, 'windows options cannot be set for a linux pod'));
  for (const [c, p] of containersWithPaths(spec, path)) {
    const csc = c.securityContext && typeof c.securityContext === 'object' ? (c.securityContext as Obj) : undefined;
    if (has(csc, 'windowsOptions')) errs.push(forbidden(`${p}.securityContext.windowsOptions`, 'windows options cannot be set for a linux pod'));
  }
  return errs;
}

/** validateWindows: none of the Linux-only security settings. */
function validateWindows(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const no = (p: string) => errs.push(forbidden(p, 'cannot be set for a windows pod'));
  const sc = spec.securityContext && typeof spec.securityContext === 'object' ? (spec.securityContext as Obj) : undefined;
  if (sc) {
    for (const k of ['appArmorProfile', 'seLinuxOptions']) if (has(sc, k)) no(`${path}.securityContext.${k}`);
  }
  if (has(spec, 'hostUsers')) no(`${path}.hostUsers`);
  if (spec.hostPID === true) no(`${path}.hostPID`);
  if (spec.hostIPC === true) no(`${path}.hostIPC`);
  if (sc) {
    for (const k of ['seccompProfile', 'fsGroup', 'fsGroupChangePolicy']) if (has(sc, k)) no(`${path}.securityContext.${k}`);
    if (Array.isArray(sc.sysctls) && sc.sysctls.length) no(`${path}.securityContext.sysctls`);
  }
  if (has(spec, 'shareProcessNamespace')) no(`${path}.shareProcessNamespace`);
  if (sc) for (const k of ['runAsUser', 'runAsGroup', 'supplementalGroups', 'supplementalGroupsPolicy', 'seLinuxChangePolicy']) if (has(sc, k)) no(`${path}.securityContext.${k}`);
  for (const [c, p] of containersWithPaths(spec, path)) {
    const csc = c.securityContext && typeof c.securityContext === 'object' ? (c.securityContext as Obj) : undefined;
    if (!csc) continue;
    for (const k of ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup']) {
      if (has(csc, k)) no(`${p}.securityContext.${k}`);
    }
  }
  return errs;
}

function validateSchedulingGates(f: Fields, gates: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [i, g] of f.objList(gates, path)) {
    const name = f.str(g.name, `${path}[${i}].name`) ?? '';
    for (const m of qualifiedName(name)) errs.push(invalid(`${path}[${i}]`, name, m));
    if (seen.has(name)) errs.push(duplicate(`${path}[${i}]`, name));
    seen.add(name);
  }
  return errs;
}

function validateTopologySpread(f: Fields, list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const items = f.objList(list, path);
  items.forEach(([i, c], n) => {
    const p = `${path}[${i}]`;
    const skew = f.int(c.maxSkew, `${p}.maxSkew`) ?? 0;
    if (skew <= 0) errs.push(invalid(`${p}.maxSkew`, skew, 'must be greater than zero'));
    const key = f.str(c.topologyKey, `${p}.topologyKey`) ?? '';
    if (!key) errs.push(required(`${p}.topologyKey`, 'can not be empty'));
    const when = f.str(c.whenUnsatisfiable, `${p}.whenUnsatisfiable`) ?? '';
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') errs.push(notSupported(`${p}.whenUnsatisfiable`, when, ['DoNotSchedule', 'ScheduleAnyway']));
    if (items.slice(n + 1).some(([, o]) => o.topologyKey === key && o.whenUnsatisfiable === when)) errs.push(duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, `{${key}, ${when}}`));
    errs.push(...validateLabelSelector(f, f.obj(c.labelSelector, `${p}.labelSelector`), `${p}.labelSelector`));
  });
  return errs;
}

function validateDNSConfig(f: Fields, v: unknown, dnsPolicy: string, path: string): FieldError[] {
  const cfg = f.obj(v, path);
  if (dnsPolicy === 'None') {
    if (!cfg) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!(Array.isArray(cfg.nameservers) && cfg.nameservers.length)) return [required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const ns = f.strList(cfg.nameservers, `${path}.nameservers`) ?? [];
  if (ns.length > 3) errs.push(invalid(`${path}.nameservers`, ns, 'must not have more than 3 nameservers'));
  ns.forEach((ip, i) => {
    if (!isIP(ip)) errs.push(invalid(`${path}.nameservers[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  const searches = f.strList(cfg.searches, `${path}.searches`) ?? [];
  if (searches.length > 32) errs.push(invalid(`${path}.searches`, searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(invalid(`${path}.searches`, searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => {
    if (s === '.') return;
    const t = s.replace(/\.$/, '');
    if (!/^[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*$/.test(t) || t.length > 253) {
      errs.push(invalid(`${path}.searches[${i}]`, t, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*')"));
    }
  });
  for (const [i, o] of f.objList(cfg.options, `${path}.options`)) if (!(typeof o.name === 'string' && o.name)) errs.push(required(`${path}.options[${i}]`, 'must not be empty'));
  return errs;
}

/** ValidateNodeSelectorTerm's requirements (matchExpressions and matchFields). */
function validateNodeSelectorTerm(f: Fields, term: Obj, path: string, allowInvalidValues: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const [j, rq] of f.objList(term.matchExpressions, `${path}.matchExpressions`)) {
    const p = `${path}.matchExpressions[${j}]`;
    const op = f.str(rq.operator, `${p}.operator`) ?? '';
    const values = f.strList(rq.values, `${p}.values`) ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (!values.length) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else if (op === 'Gt' || op === 'Lt') {
      if (values.length !== 1) errs.push(required(`${p}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
    } else {
      errs.push(invalid(`${p}.operator`, op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(f.str(rq.key, `${p}.key`) ?? '', `${p}.key`));
    if (!allowInvalidValues) values.forEach((v, k) => labelValue(v).forEach((m) => errs.push(invalid(`${p}.values[${k}]`, v, m))));
  }
  for (const [j, rq] of f.objList(term.matchFields, `${path}.matchFields`)) {
    const p = `${path}.matchFields[${j}]`;
    const op = f.str(rq.operator, `${p}.operator`) ?? '';
    const values = f.strList(rq.values, `${p}.values`) ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1) errs.push(required(`${p}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else errs.push(invalid(`${p}.operator`, op, 'not a valid selector operator'));
    const key = f.str(rq.key, `${p}.key`) ?? '';
    if (key !== 'metadata.name') errs.push(invalid(`${p}.key`, key, 'not a valid field selector key'));
    else values.forEach((v, k) => dns1123Subdomain(v).forEach((m) => errs.push(invalid(`${p}.values[${k}]`, v, m))));
  }
  return errs;
}

/** validateAffinity: node affinity terms and weights, pod (anti-)affinity terms. */
export function validateAffinity(f: Fields, v: unknown, path: string): FieldError[] {
  const aff = f.obj(v, path);
  if (!aff) return [];
  const errs: FieldError[] = [];
  const na = f.obj(aff.nodeAffinity, `${path}.nodeAffinity`);
  if (na) {
    const reqPath = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    const req = f.obj(na.requiredDuringSchedulingIgnoredDuringExecution, reqPath);
    if (req) {
      const terms = f.objList(req.nodeSelectorTerms, `${reqPath}.nodeSelectorTerms`);
      if (!terms.length) errs.push(required(`${reqPath}.nodeSelectorTerms`, 'must have at least one node selector term'));
      for (const [i, t] of terms) errs.push(...validateNodeSelectorTerm(f, t, `${reqPath}.nodeSelectorTerms[${i}]`, f.opts.allowInvalidNodeAffinityValues === true));
    }
    const prefPath = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`;
    for (const [i, t] of f.objList(na.preferredDuringSchedulingIgnoredDuringExecution, prefPath)) {
      const w = f.int(t.weight, `${prefPath}[${i}].weight`) ?? 0;
      if (w <= 0 || w > 100) errs.push(invalid(`${prefPath}[${i}].weight`, w, 'must be in the range 1-100'));
      errs.push(...validateNodeSelectorTerm(f, f.obj(t.preference, `${prefPath}[${i}].preference`) ?? {}, `${prefPath}[${i}].preference`, true));
    }
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = f.obj(aff[kind], `${path}.${kind}`);
    if (!pa) continue;
    const reqPath = `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution`;
    for (const [i, t] of f.objList(pa.requiredDuringSchedulingIgnoredDuringExecution, reqPath)) errs.push(...validatePodAffinityTerm(f, t, `${reqPath}[${i}]`));
    const prefPath = `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution`;
    for (const [i, t] of f.objList(pa.preferredDuringSchedulingIgnoredDuringExecution, prefPath)) {
      const w = f.int(t.weight, `${prefPath}[${i}].weight`) ?? 0;
      if (w <= 0 || w > 100) errs.push(invalid(`${prefPath}[${i}].weight`, w, 'must be in the range 1-100'));
      errs.push(...validatePodAffinityTerm(f, f.obj(t.podAffinityTerm, `${prefPath}[${i}].podAffinityTerm`) ?? {}, `${prefPath}[${i}].podAffinityTerm`));
    }
  }
  return errs;
}

function validatePodAffinityTerm(f: Fields, t: Obj, path: string): FieldError[] {
  const errs = validateLabelSelector(f, f.obj(t.labelSelector, `${path}.labelSelector`), `${path}.labelSelector`);
  errs.push(...validateLabelSelector(f, f.obj(t.namespaceSelector, `${path}.namespaceSelector`), `${path}.namespaceSelector`));
  for (const ns of f.strList(t.namespaces, `${path}.namespaces`) ?? []) for (const m of dns1123Label(ns)) errs.push(invalid(`${path}.namespace`, ns, m));
  const key = f.str(t.topologyKey, `${path}.topologyKey`) ?? '';
  if (!key) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  errs.push(...validateLabelName(key, `${path}.topologyKey`));
  return errs;
}

/** ValidatePodSpecificAnnotations: mirror pods name a node, the deletion cost is an int32. */
export function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if (MIRROR_POD_ANNOTATION in a && !spec.nodeName) errs.push(invalid(`${path}[${MIRROR_POD_ANNOTATION}]`, a[MIRROR_POD_ANNOTATION], 'must set spec.nodeName if mirror pod annotation is set'));
  if (POD_DELETION_COST in a) {
    const v = a[POD_DELETION_COST] ?? '';
    const n = Number(v);
    if (!/^(0|-?[1-9][0-9]*)$/.test(v) || n < -2147483648 || n > MAX_INT32) errs.push(invalid(`${path}[${POD_DELETION_COST}]`, v, 'must be a 32bit integer'));
  }
  return errs;
}

/** ValidatePodTemplateSpec: a workload's template, at `path` (`spec.template`, `spec.jobTemplate.spec.template`). */
export function validatePodTemplateSpec(f: Fields, template: Obj | undefined, path: string): FieldError[] {
  if (!template) return [];
  const meta = f.obj(template.metadata, `${path}.metadata`) ?? {};
  const labels = f.strMap(meta.labels, `${path}.metadata.labels`);
  const annotations = f.strMap(meta.annotations, `${path}.metadata.annotations`);
  const errs = [...validateLabels(labels, `${path}.labels`), ...validateAnnotations(annotations, `${path}.annotations`)];
  const spec = f.obj(template.spec, `${path}.spec`) ?? {};
  errs.push(...validatePodSpecificAnnotations(annotations, spec, `${path}.annotations`));
  errs.push(...validatePodSpec(f, spec, `${path}.spec`, undefined));
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length) errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}
