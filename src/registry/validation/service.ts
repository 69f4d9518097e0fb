import { randomInt } from 'node:crypto';
import { type FieldError, duplicate, forbidden, invalid, notSupported, required } from '../../errors/index.js';
import type { KubeObject } from '../types.js';
import { list, obj } from './common.js';
import { intToIpv4, ipAddress, ipv4InRange, ipv4ToInt, portName, portNum } from './net.js';
import { dns1123Label, dns1123Subdomain } from '../../util/name-validation.js';
import { validateLabels } from './object-meta.js';

/**
 * Services as kube-apiserver 1.33 keeps them: v1 defaulting (SetDefaults_Service), the REST
 * storage's allocation of cluster IPs and node ports (pkg/registry/core/service/storage), and
 * ValidateService / ValidateServiceUpdate (pkg/apis/core/validation).
 * What satoken allocates: IPv4 cluster IPs at random from {@link SERVICE_CLUSTER_IP_RANGE} (kubeadm's
 * default range; the first address is left for the `kubernetes` service, as Kubernetes does), and
 * node ports from {@link NODE_PORT_RANGE}; a requested address or port is checked against both
 * the range and the services that exist. Single-stack IPv4 only: `ipFamilies: [IPv4]`,
 * `ipFamilyPolicy: SingleStack`.
 */

export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/12';
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const KUBELET_PORT = 10250;

interface ServicePort {
  name?: string;
  protocol?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
  appProtocol?: string;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  selector?: Record<string, string>;
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalName?: string;
  externalIPs?: string[];
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  healthCheckNodePort?: number;
  [k: string]: unknown;
}

const specOf = (o: KubeObject): ServiceSpec => obj(o.spec) as ServiceSpec;
const usesNodePorts = (t: string | undefined) => t === 'NodePort' || t === 'LoadBalancer';

/** SetDefaults_Service and SetDefaults_ServicePort (and clusterIP/clusterIPs kept in step). */
export function defaultService(o: KubeObject): void {
  if (!o.spec || typeof o.spec !== 'object') o.spec = {};
  const s = specOf(o);
  s.type ||= 'ClusterIP';
  s.sessionAffinity ||= 'None';
  if (s.sessionAffinity === 'ClientIP') {
    const cfg = (s.sessionAffinityConfig ??= {});
    cfg.clientIP ??= {};
    cfg.clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of list(s.ports) as ServicePort[]) {
    if (!p || typeof p !== 'object') continue;
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (s.type !== 'ExternalName') s.internalTrafficPolicy ??= 'Cluster';
  if (usesNodePorts(s.type)) s.externalTrafficPolicy ||= 'Cluster';
  if (s.type === 'LoadBalancer') s.allocateLoadBalancerNodePorts ??= true;
  if (s.clusterIP && !s.clusterIPs?.length) s.clusterIPs = [s.clusterIP];
  else if (!s.clusterIP && s.clusterIPs?.length) s.clusterIP = s.clusterIPs[0];
}

/**
 * PrepareForUpdate and the REST update's `patchAllocatedValues`: a client that leaves out what the
 * server allocated (kubectl apply of a manifest without clusterIP or nodePort) keeps it; a type
 * change drops what the new type may not have.
 */
export function prepareServiceUpdate(next: KubeObject, old: KubeObject): void {
  if (!next.spec || typeof next.spec !== 'object') next.spec = {};
  const s = specOf(next);
  const o = specOf(old);
  const type = s.type || 'ClusterIP';
  if (type !== 'ExternalName' && o.type !== 'ExternalName') {
    if (!s.clusterIP && !s.clusterIPs?.length && o.clusterIP) {
      s.clusterIP = o.clusterIP;
      if (o.clusterIPs) s.clusterIPs = [...o.clusterIPs];
    }
    if (!s.ipFamilies?.length && o.ipFamilies) s.ipFamilies = [...o.ipFamilies];
    if (!s.ipFamilyPolicy && o.ipFamilyPolicy) s.ipFamilyPolicy = o.ipFamilyPolicy;
  }
  if (type === 'ExternalName' && o.type !== 'ExternalName') {
    if (s.clusterIP === o.clusterIP) delete s.clusterIP;
    if (JSON.stringify(s.clusterIPs) === JSON.stringify(o.clusterIPs)) delete s.clusterIPs;
    delete s.ipFamilies;
    delete s.ipFamilyPolicy;
  }
  const oldPorts = list(o.ports) as ServicePort[];
  for (const p of list(s.ports) as ServicePort[]) {
    if (!p || typeof p !== 'object') continue;
    const match = oldPorts.find((q) => q?.port === p.port && (q.protocol || 'TCP') === (p.protocol || 'TCP'));
    if (usesNodePorts(type) && !p.nodePort && match?.nodePort) p.nodePort = match.nodePort;
    if (!usesNodePorts(type) && usesNodePorts(o.type) && p.nodePort && p.nodePort === match?.nodePort) delete p.nodePort;
  }
}

/** ValidateService (the parts a client controls) and ValidateServiceUpdate's clusterIP rules. */
export function validateService(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs: FieldError[] = [];
  const ports = list(s.ports) as ServicePort[];
  const headless = s.clusterIP === 'None';
  if (ports.length === 0 && !headless && s.type !== 'ExternalName') errs.push(required('spec.ports', ''));
  switch (s.type) {
    case 'LoadBalancer':
      ports.forEach((p, i) => {
        if (p?.port === KUBELET_PORT) errs.push(invalid(`spec.ports[${i}]`, p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
      });
      if (headless) errs.push(invalid('spec.clusterIPs[0]', 'None', 'may not be set to \'None\' for LoadBalancer services'));
      break;
    case 'NodePort':
      if (headless) errs.push(invalid('spec.clusterIPs[0]', 'None', 'may not be set to \'None\' for NodePort services'));
      break;
    case 'ExternalName':
      if (s.clusterIP) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (s.externalName) for (const m of dns1123Subdomain(String(s.externalName))) errs.push(invalid('spec.externalName', s.externalName, m));
      else errs.push(required('spec.externalName', ''));
      break;
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validatePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (s.selector !== undefined) errs.push(...validateLabels(s.selector, 'spec.selector'));
  if (!s.sessionAffinity) errs.push(required('spec.sessionAffinity', ''));
  else if (!['ClientIP', 'None'].includes(s.sessionAffinity)) errs.push(notSupported('spec.sessionAffinity', s.sessionAffinity, ['ClientIP', 'None']));
  if (s.sessionAffinity === 'None' && s.sessionAffinityConfig) errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  if (s.sessionAffinity === 'ClientIP') {
    const t = s.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (typeof t === 'number' && (t <= 0 || t > 86400)) errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
  }
  if (s.clusterIP && s.clusterIP !== 'None' && ipAddress(s.clusterIP).length) errs.push(invalid('spec.clusterIPs[0]', s.clusterIP, "must be empty, 'None', or a valid IP address"));
  list(s.externalIPs).forEach((ip, i) => {
    for (const m of ipAddress(String(ip))) errs.push(invalid(`spec.externalIPs[${i}]`, ip, m));
  });
  if (!s.type) errs.push(required('spec.type', ''));
  else if (!TYPES.includes(s.type)) errs.push(notSupported('spec.type', s.type, TYPES));
  if (s.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p?.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (!p || typeof p !== 'object') return;
    if (p.nodePort) {
      const key = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      nodePorts.add(key);
    }
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    seen.add(key);
  });
  if (s.externalTrafficPolicy !== undefined && s.externalTrafficPolicy !== '') {
    if (!usesNodePorts(s.type)) errs.push(invalid('spec.externalTrafficPolicy', s.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    else if (!['Cluster', 'Local'].includes(s.externalTrafficPolicy)) errs.push(notSupported('spec.externalTrafficPolicy', s.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (s.internalTrafficPolicy !== undefined && s.type !== 'ExternalName' && !['Cluster', 'Local'].includes(s.internalTrafficPolicy)) {
    errs.push(notSupported('spec.internalTrafficPolicy', s.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (s.ipFamilyPolicy !== undefined && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(s.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', s.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  list(s.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
  });
  return errs;
}

function validatePort(p: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  if (!p || typeof p !== 'object') return [invalid(path, p ?? null, 'must be an object')];
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(required(`${path}.name`, ''));
  else if (p.name) {
    for (const m of dns1123Label(p.name)) errs.push(invalid(`${path}.name`, p.name, m));
    if (names.has(p.name)) errs.push(duplicate(`${path}.name`, p.name));
    names.add(p.name);
  }
  for (const m of portNum(Number(p.port ?? 0))) errs.push(invalid(`${path}.port`, p.port ?? 0, m));
  if (!p.protocol) errs.push(required(`${path}.protocol`, ''));
  else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  if (typeof p.targetPort === 'number') for (const m of portNum(p.targetPort)) errs.push(invalid(`${path}.targetPort`, p.targetPort, m));
  else if (typeof p.targetPort === 'string') for (const m of portName(p.targetPort)) errs.push(invalid(`${path}.targetPort`, p.targetPort, m));
  if (p.nodePort !== undefined && p.nodePort !== 0) for (const m of portNum(Number(p.nodePort))) errs.push(invalid(`${path}.nodePort`, p.nodePort, m));
  return errs;
}

/** ValidateServiceUpdate: the cluster IP may not change once set (unless from or to ExternalName). */
export function validateServiceUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  const s = specOf(next);
  const o = specOf(old);
  if (s.type === 'ExternalName' || o.type === 'ExternalName') return [];
  if (o.clusterIP === 'None' && s.clusterIP === 'None') return [];
  const before = o.clusterIPs ?? (o.clusterIP ? [o.clusterIP] : []);
  const after = s.clusterIPs ?? (s.clusterIP ? [s.clusterIP] : []);
  if (before.length && !after.length) return [invalid('spec.clusterIPs[0]', after, 'primary clusterIP can not be unset')];
  if (before.length && before[0] !== after[0]) return [invalid('spec.clusterIPs[0]', after, 'may not change once set')];
  return [];
}

/**
 * The REST storage's allocation, after validation: a cluster IP (random, or the requested one if
 * free and in range) for every type but ExternalName and headless services, IP families, and a
 * node port for each port of a NodePort or LoadBalancer service that has none.
 * `peers` lists the services that exist (every namespace).
 */
export function allocateService(o: KubeObject, old: KubeObject | undefined, peers: () => readonly KubeObject[]): FieldError[] {
  const s = specOf(o);
  const others = () => peers().filter((p) => !(p.metadata.namespace === o.metadata.namespace && p.metadata.name === o.metadata.name));
  const errs: FieldError[] = [];
  if (s.type !== 'ExternalName') {
    if (!s.clusterIP) {
      const ip = freeClusterIP(new Set(others().map((p) => specOf(p).clusterIP).filter((x): x is string => !!x)));
      if (!ip) return [invalid('spec.clusterIPs', [], 'failed to allocate a serviceIP: range is full')];
      s.clusterIP = ip;
      s.clusterIPs = [ip];
    } else if (s.clusterIP !== 'None' && s.clusterIP !== specOf(old ?? { metadata: {} }).clusterIP) {
      if (!ipv4InRange(s.clusterIP, SERVICE_CLUSTER_IP_RANGE)) {
        errs.push(invalid('spec.clusterIPs', [s.clusterIP], `failed to allocate IP ${s.clusterIP}: the provided IP (${s.clusterIP}) is not in the valid range. The range of valid IPs is ${SERVICE_CLUSTER_IP_RANGE}`));
      } else if (others().some((p) => specOf(p).clusterIP === s.clusterIP)) {
        errs.push(invalid('spec.clusterIPs', [s.clusterIP], `failed to allocate IP ${s.clusterIP}: provided IP is already allocated`));
      }
    }
    s.clusterIPs = s.clusterIPs?.length ? s.clusterIPs : [s.clusterIP!];
    s.ipFamilies = s.ipFamilies?.length ? s.ipFamilies : ['IPv4'];
    s.ipFamilyPolicy ||= 'SingleStack';
  }
  if (usesNodePorts(s.type) && !(s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts === false)) {
    const taken = new Set(others().flatMap((p) => (list(specOf(p).ports) as ServicePort[]).map((q) => q?.nodePort)).filter((n): n is number => typeof n === 'number' && n > 0));
    const oldPorts = new Set((list(specOf(old ?? { metadata: {} }).ports) as ServicePort[]).map((q) => q?.nodePort));
    (list(s.ports) as ServicePort[]).forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      if (p.nodePort) {
        if (oldPorts.has(p.nodePort)) {
          taken.add(p.nodePort);
          return;
        }
        if (p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
          errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`));
        } else if (taken.has(p.nodePort)) {
          errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
        }
        taken.add(p.nodePort);
        return;
      }
      const port = freeNodePort(taken);
      if (port === undefined) errs.push(invalid(`spec.ports[${i}].nodePort`, 0, 'range is full'));
      else {
        p.nodePort = port;
        taken.add(port);
      }
    });
  }
  return errs;
}

function freeClusterIP(taken: Set<string>): string | undefined {
  const [base, bits] = SERVICE_CLUSTER_IP_RANGE.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const first = ipv4ToInt(base);
  // skip the network address, the first host (the kubernetes service) and the broadcast address
  for (let tries = 0; tries < 64; tries++) {
    const ip = intToIpv4(first + 2 + randomInt(size - 3));
    if (!taken.has(ip)) return ip;
  }
  for (let i = 2; i < size - 1; i++) {
    const ip = intToIpv4(first + i);
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

function freeNodePort(taken: Set<number>): number | undefined {
  const size = NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1;
  for (let tries = 0; tries < 64; tries++) {
    const p = NODE_PORT_RANGE.min + randomInt(size);
    if (!taken.has(p)) return p;
  }
  for (let p = NODE_PORT_RANGE.min; p <= NODE_PORT_RANGE.max; p++) if (!taken.has(p)) return p;
  return undefined;
}
