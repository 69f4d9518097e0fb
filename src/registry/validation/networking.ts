import { isIP } from 'node:net';
import { FieldError, forbidden, invalid, notSupported, required } from '../../errors/index.js';
import type { KubeObject } from '../types.js';
import { immutable, list, obj, type Obj, tooLongDetail, selectorErrors } from './common.js';
import { dns1035Label, cidr, portName, portNum } from './net.js';
import { dns1123Subdomain } from '../../util/name-validation.js';

/**
 * networking.k8s.io/v1 NetworkPolicy, Ingress and IngressClass: v1 defaulting and
 * pkg/apis/networking/validation (ValidateNetworkPolicy, ValidateIngressCreate/Update,
 * ValidateIngressClass/Update), with their messages.
 */

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const POLICY_TYPES = ['Ingress', 'Egress'];
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort. */
export function defaultNetworkPolicy(o: KubeObject): void {
  if (!o.spec || typeof o.spec !== 'object') o.spec = {};
  const spec = o.spec as Obj;
  spec.podSelector ??= {};
  for (const rules of [spec.ingress, spec.egress]) {
    for (const rule of list(rules)) for (const port of list(obj(rule).ports)) if (port && typeof port === 'object') (port as Obj).protocol ??= 'TCP';
  }
  if (!list(spec.policyTypes).length) spec.policyTypes = list(spec.egress).length ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function validateNetworkPolicy(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs = selectorErrors(spec.podSelector, 'spec.podSelector');
  list(spec.ingress).forEach((rule, i) => {
    list(obj(rule).ports).forEach((p, j) => errs.push(...validatePolicyPort(obj(p), `spec.ingress[${i}].ports[${j}]`)));
    list(obj(rule).from).forEach((p, j) => errs.push(...validatePeer(obj(p), `spec.ingress[${i}].from[${j}]`)));
  });
  list(spec.egress).forEach((rule, i) => {
    list(obj(rule).to).forEach((p, j) => errs.push(...validatePeer(obj(p), `spec.egress[${i}].to[${j}]`)));
    list(obj(rule).ports).forEach((p, j) => errs.push(...validatePolicyPort(obj(p), `spec.egress[${i}].ports[${j}]`)));
  });
  const types = list(spec.policyTypes);
  if (types.length > 2) return [...errs, invalid('spec.policyTypes', types, 'may not specify more than two policyTypes')];
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(String(t))) errs.push(notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
  });
  return errs;
}

function validatePolicyPort(port: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !PROTOCOLS.includes(String(port.protocol))) errs.push(notSupported(`${path}.protocol`, port.protocol, ['TCP', 'UDP', 'SCTP']));
  const endPort = port.endPort as number | undefined;
  if (typeof port.port === 'number') {
    for (const m of portNum(port.port)) errs.push(invalid(`${path}.port`, port.port, m));
    if (endPort !== undefined) {
      if (endPort < port.port) errs.push(invalid(`${path}.endPort`, port.port, 'must be greater than or equal to `port`'));
      for (const m of portNum(endPort)) errs.push(invalid(`${path}.endPort`, endPort, m));
    }
  } else if (typeof port.port === 'string') {
    if (endPort !== undefined) errs.push(invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    for (const m of portName(port.port)) errs.push(invalid(`${path}.port`, port.port, m));
  } else if (endPort !== undefined) {
    errs.push(invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validatePeer(peer: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  if (peer.podSelector) {
    peers++;
    errs.push(...selectorErrors(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    peers++;
    errs.push(...selectorErrors(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    peers++;
    errs.push(...validateIPBlock(obj(peer.ipBlock), `${path}.ipBlock`));
  }
  if (peers === 0) errs.push(required(path, 'must specify a peer'));
  else if (peers > 1 && peer.ipBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateIPBlock(block: Obj, path: string): FieldError[] {
  const c = typeof block.cidr === 'string' ? block.cidr : '';
  if (!c) return [required(`${path}.cidr`, '')];
  const errs = cidr(c).map((m) => invalid(`${path}.cidr`, c, m));
  if (errs.length) return errs;
  list(block.except).forEach((e, i) => {
    const p = `${path}.except[${i}]`;
    const msgs = cidr(String(e));
    if (msgs.length) return void errs.push(...msgs.map((m) => invalid(p, e, m)));
    if (!strictSubnet(String(e), c)) errs.push(invalid(p, e, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

/** Whether `inner` lies inside `outer` with a longer prefix (IPv4 and IPv6). */
function strictSubnet(inner: string, outer: string): boolean {
  const [ia, ib] = inner.split('/') as [string, string];
  const [oa, ob] = outer.split('/') as [string, string];
  if (isIP(ia) !== isIP(oa) || Number(ob) >= Number(ib)) return false;
  const bitsOf = (ip: string) => (isIP(ip) === 4 ? ip.split('.').map((x) => Number(x).toString(2).padStart(8, '0')).join('') : expand6(ip));
  return bitsOf(ia).slice(0, Number(ob)) === bitsOf(oa).slice(0, Number(ob));
}

function expand6(ip: string): string {
  const [head, tail = ''] = ip.split('::') as [string, string?];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => parseInt(g || '0', 16).toString(2).padStart(16, '0')).join('');
}

/**
 * ValidateIngressCreate / ValidateIngressUpdate (spec, rules, backends, TLS, class). The class
 * annotation beside `spec.ingressClassName` is refused on create only (an object without a uid
 * yet: the registry gives it one after validation).
 */
export function validateIngress(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const rules = list(spec.rules);
  if (rules.length === 0 && !spec.defaultBackend) errs.push(invalid('spec', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend) errs.push(...validateBackend(obj(spec.defaultBackend), 'spec.defaultBackend'));
  rules.forEach((r, i) => errs.push(...validateRule(obj(r), `spec.rules[${i}]`)));
  list(spec.tls).forEach((t, i) => {
    list(obj(t).hosts).forEach((h, j) => errs.push(...validateHost(String(h), `spec.tls[${i}].hosts[${j}]`)));
  });
  if (typeof spec.ingressClassName === 'string') {
    for (const m of dns1123Subdomain(spec.ingressClassName)) errs.push(invalid('spec.ingressClassName', spec.ingressClassName, m));
    const annotation = o.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
    if (!o.metadata.uid && annotation !== undefined) errs.push(invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotation, 'can not be set when the class field is also set'));
  }
  return errs;
}

function validateRule(rule: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const host = typeof rule.host === 'string' ? rule.host : '';
  if (host) {
    if (isIP(host)) errs.push(invalid(`${path}.host`, host, 'must be a DNS name, not an IP address'));
    else errs.push(...validateHost(host, `${path}.host`));
  }
  if (rule.http !== undefined) {
    const paths = list(obj(rule.http).paths);
    if (paths.length === 0) errs.push(required(`${path}.http.paths`, ''));
    paths.forEach((p, i) => errs.push(...validatePath(obj(p), `${path}.http.paths[${i}]`)));
  }
  return errs;
}

function validateHost(host: string, path: string): FieldError[] {
  if (!host.includes('*')) return dns1123Subdomain(host).map((m) => invalid(path, host, m));
  const rest = host.startsWith('*.') ? host.slice(2) : '';
  if (!rest || dns1123Subdomain(rest).length) {
    return [
      invalid(
        path,
        host,
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  }
  return [];
}

function validatePath(p: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const value = typeof p.path === 'string' ? p.path : '';
  if (p.pathType === undefined || p.pathType === null) errs.push(required(`${path}.pathType`, 'pathType must be specified'));
  else if (!PATH_TYPES.includes(String(p.pathType))) errs.push(notSupported(`${path}.pathType`, p.pathType, PATH_TYPES));
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalid(`${path}.path`, value, 'must be an absolute path'));
    for (const bad of ['//', '/./', '/../', '%2f', '%2F']) if (value.includes(bad)) errs.push(invalid(`${path}.path`, value, `must not contain '${bad}'`));
    for (const end of ['/..', '/.']) if (value.endsWith(end)) errs.push(invalid(`${path}.path`, value, `cannot end with '${end}'`));
  } else if (value && !value.startsWith('/')) {
    errs.push(invalid(`${path}.path`, value, 'must be an absolute path'));
  }
  errs.push(...validateBackend(obj(p.backend), `${path}.backend`));
  return errs;
}

function validateBackend(b: Obj, path: string): FieldError[] {
  const hasResource = !!b.resource;
  const hasService = !!b.service;
  if (hasResource && hasService) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const r = obj(b.resource);
    const errs: FieldError[] = [];
    if (!r.kind) errs.push(required(`${path}.resource.kind`, ''));
    if (!r.name) errs.push(required(`${path}.resource.name`, ''));
    return errs;
  }
  if (!hasService) return [invalid(path, '', 'resource or service backend is required')];
  const svc = obj(b.service);
  const errs: FieldError[] = [];
  const name = typeof svc.name === 'string' ? svc.name : '';
  if (!name) errs.push(required(`${path}.service.name`, ''));
  else for (const m of dns1035Label(name)) errs.push(invalid(`${path}.service.name`, name, m));
  const port = obj(svc.port);
  const portNameValue = typeof port.name === 'string' ? port.name : '';
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portNameValue && portNumber) errs.push(invalid(`${path}.service.port`, '', 'cannot set both port name & port number'));
  else if (portNameValue) for (const m of portName(portNameValue)) errs.push(invalid(`${path}.service.port.name`, portNameValue, m));
  else if (portNumber) for (const m of portNum(portNumber)) errs.push(invalid(`${path}.service.port.number`, portNumber, m));
  else errs.push(required(`${path}.service.port`, 'port name or number is required'));
  return errs;
}

const DOMAIN_PATH_CHARS = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** ValidateIngressClass: the controller is a domain-prefixed path of at most 250 bytes; parameters name a kind. */
export function validateIngressClass(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const controller = typeof spec.controller === 'string' ? spec.controller : '';
  const errs: FieldError[] = [];
  if (controller.length > 250) errs.push(new FieldError('FieldValueTooLong', 'spec.controller', controller, tooLongDetail(250)));
  if (!controller) errs.push(required('spec.controller', ''));
  else {
    const [host, rest] = [controller.split('/')[0]!, controller.slice(controller.indexOf('/') + 1)];
    if (!controller.includes('/') || !host || !rest) errs.push(invalid('spec.controller', controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    else {
      for (const m of dns1123Subdomain(host)) errs.push(invalid('spec.controller', host, m));
      if (!DOMAIN_PATH_CHARS.test(rest)) errs.push(invalid('spec.controller', rest, `Invalid path: must match the regex ${DOMAIN_PATH_CHARS.source.slice(1, -1)}`));
    }
  }
  if (spec.parameters !== undefined) {
    const p = obj(spec.parameters);
    if (!p.kind) errs.push(required('spec.parameters.kind', ''));
    if (!p.name) errs.push(required('spec.parameters.name', ''));
    if (p.scope !== undefined && p.scope !== 'Cluster' && p.scope !== 'Namespace') errs.push(notSupported('spec.parameters.scope', p.scope, ['Cluster', 'Namespace']));
    if (p.scope === 'Namespace' && !p.namespace) errs.push(required('spec.parameters.namespace', '`parameters.scope` is set to "Namespace"'));
    if (p.scope !== 'Namespace' && p.namespace) errs.push(forbidden('spec.parameters.namespace', '`parameters.scope` is set to "Cluster"'));
  }
  return errs;
}

export function validateIngressClassUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  return immutable(obj(next.spec).controller, obj(old.spec).controller, 'spec.controller');
}

/** SetDefaults_IngressClass: parameters.scope defaults to Cluster. */
export function defaultIngressClass(o: KubeObject): void {
  const params = obj(o.spec).parameters;
  if (params && typeof params === 'object') (params as Obj).scope ??= 'Cluster';
}
