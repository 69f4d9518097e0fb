import { isObj, type Obj } from '../validation/typed-fields.js';
import { parseQuantity, quantityString, roundUp } from '../validation/quantity.js';

/**
 * Pod defaulting as kube-apiserver applies it on every write (pkg/apis/core/v1/defaults.go and
 * the generated SetObjectDefaults_Pod that walks the spec):
 * - SetDefaults_PodSpec: dnsPolicy ClusterFirst, restartPolicy Always, securityContext {},
 *   terminationGracePeriodSeconds 30, schedulerName default-scheduler (pods and templates)
 * - SetDefaults_Pod: requests default to limits, enableServiceLinks true, host-network ports
 *   (pods only, not templates)
 * - containers: imagePullPolicy (Always for `:latest` or no tag, else IfNotPresent),
 *   terminationMessagePath and Policy, port protocol TCP, probe timings, HTTP probe path and
 *   scheme, env fieldRef apiVersion, resources {} with quantities rounded up to milli units
 *   and written in canonical form
 * - volumes: emptyDir when no source, defaultMode 0644 for secret, configMap, downwardAPI and
 *   projected, hostPath type "", token projections expire in 3600 s
 * - serviceAccount (deprecated) mirrors serviceAccountName, as the v1 conversion writes it
 */
export function defaultPod(pod: { spec?: unknown; metadata?: unknown }): void {
  if (pod.spec === undefined || pod.spec === null) pod.spec = {};
  if (!isObj(pod.spec)) return;
  const spec = pod.spec;
  defaultPodSpec(spec);
  for (const c of containersOf(spec)) {
    const res = c.resources;
    if (isObj(res) && isObj(res.limits)) {
      const requests = isObj(res.requests) ? res.requests : (res.requests = {});
      for (const [k, v] of Object.entries(res.limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork === true) {
    for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
      for (const p of list(c.ports)) if (!p.hostPort && typeof p.containerPort === 'number') p.hostPort = p.containerPort;
    }
  }
  if (typeof spec.serviceAccountName !== 'string' || spec.serviceAccountName === '') {
    if (typeof spec.serviceAccount === 'string' && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  }
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
}

/** SetDefaults_PodSpec and everything under it (a workload's template gets this, not defaultPod). */
export function defaultPodSpec(spec: Obj): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  for (const c of containersOf(spec)) defaultContainer(c);
  for (const v of list(spec.volumes)) defaultVolume(v);
  if (isObj(spec.overhead)) defaultResourceList(spec.overhead);
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function containersOf(spec: Obj): Obj[] {
  return [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)];
}

/** parsers.ParseImageName's tag: after the last `/`, before any digest; `latest` when neither is given. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon >= 0) return last.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy && typeof c.image === 'string') c.imagePullPolicy = imageTag(c.image) === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const p of list(c.ports)) if (!p.protocol) p.protocol = 'TCP';
  for (const e of list(c.env)) if (isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef)) e.valueFrom.fieldRef.apiVersion ||= 'v1';
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = c[k];
    if (!isObj(probe)) continue;
    if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
    if (!probe.periodSeconds) probe.periodSeconds = 10;
    if (!probe.successThreshold) probe.successThreshold = 1;
    if (!probe.failureThreshold) probe.failureThreshold = 3;
    defaultHttpGet(probe.httpGet);
  }
  if (isObj(c.lifecycle)) for (const h of [c.lifecycle.postStart, c.lifecycle.preStop]) if (isObj(h)) defaultHttpGet(h.httpGet);
  if (c.resources === undefined || c.resources === null) c.resources = {};
  if (isObj(c.resources)) {
    if (isObj(c.resources.limits)) defaultResourceList(c.resources.limits);
    if (isObj(c.resources.requests)) defaultResourceList(c.resources.requests);
  }
}

function defaultHttpGet(h: unknown): void {
  if (!isObj(h)) return;
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

/** SetDefaults_ResourceList: quantities rounded up to milli units, in canonical form. */
export function defaultResourceList(l: Obj): void {
  for (const [k, v] of Object.entries(l)) {
    const q = parseQuantity(v);
    if (q) l[k] = quantityString(roundUp(q, -3));
  }
}

const MODE_0644 = 0o644;

function defaultVolume(v: Obj): void {
  const sources = ['emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image'];
  if (!sources.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = v[k];
    if (isObj(s) && (s.defaultMode === undefined || s.defaultMode === null)) s.defaultMode = MODE_0644;
  }
  if (isObj(v.hostPath) && (v.hostPath.type === undefined || v.hostPath.type === null)) v.hostPath.type = '';
  if (isObj(v.downwardAPI)) for (const item of list(v.downwardAPI.items)) if (isObj(item.fieldRef)) item.fieldRef.apiVersion ||= 'v1';
  if (isObj(v.projected)) {
    for (const s of list(v.projected.sources)) {
      if (isObj(s.serviceAccountToken) && (s.serviceAccountToken.expirationSeconds === undefined || s.serviceAccountToken.expirationSeconds === null)) {
        s.serviceAccountToken.expirationSeconds = 3600;
      }
      if (isObj(s.downwardAPI)) for (const item of list(s.downwardAPI.items)) if (isObj(item.fieldRef)) item.fieldRef.apiVersion ||= 'v1';
    }
  }
  if (isObj(v.image) && !v.image.pullPolicy && typeof v.image.reference === 'string') {
    v.image.pullPolicy = imageTag(v.image.reference) === 'latest' ? 'Always' : 'IfNotPresent';
  }
}
