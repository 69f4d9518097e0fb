import { type FieldError, invalid, notSupported, required } from '../../errors/index.js';
import type { KubeObject } from '../types.js';
import { immutable, list, nonNegative, obj, type Obj } from './common.js';
import { ipAddress, portNum } from './net.js';
import { dns1123Label, dns1123Subdomain } from '../../util/name-validation.js';

/**
 * core/v1 Endpoints (ValidateEndpoints: subsets, addresses, ports) and apps/v1 ControllerRevision
 * (ValidateControllerRevisionCreate/Update).
 */

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** SetDefaults_EndpointPort: protocol TCP. */
export function defaultEndpoints(o: KubeObject): void {
  for (const ss of list(o.subsets)) for (const p of list(obj(ss).ports)) if (p && typeof p === 'object') (p as Obj).protocol ||= 'TCP';
}

export function validateEndpoints(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  list(o.subsets).forEach((raw, i) => {
    const ss = obj(raw);
    const p = `subsets[${i}]`;
    if (!list(ss.addresses).length && !list(ss.notReadyAddresses).length) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    list(ss.addresses).forEach((a, j) => errs.push(...validateAddress(obj(a), `${p}.addresses[${j}]`)));
    list(ss.notReadyAddresses).forEach((a, j) => errs.push(...validateAddress(obj(a), `${p}.notReadyAddresses[${j}]`)));
    const ports = list(ss.ports);
    ports.forEach((port, j) => {
      const q = obj(port);
      const pp = `${p}.ports[${j}]`;
      if (ports.length > 1 && !q.name) errs.push(required(`${pp}.name`, ''));
      else if (q.name) for (const m of dns1123Label(String(q.name))) errs.push(invalid(`${pp}.name`, q.name, m));
      for (const m of portNum(Number(q.port ?? 0))) errs.push(invalid(`${pp}.port`, q.port ?? 0, m));
      if (!q.protocol) errs.push(required(`${pp}.protocol`, ''));
      else if (!PROTOCOLS.includes(String(q.protocol))) errs.push(notSupported(`${pp}.protocol`, q.protocol, PROTOCOLS));
    });
  });
  return errs;
}

function validateAddress(a: Obj, path: string): FieldError[] {
  const ip = typeof a.ip === 'string' ? a.ip : '';
  const errs = ipAddress(ip).map((m) => invalid(`${path}.ip`, ip, m));
  if (typeof a.hostname === 'string' && a.hostname) for (const m of dns1123Label(a.hostname)) errs.push(invalid(`${path}.hostname`, a.hostname, m));
  if (typeof a.nodeName === 'string') for (const m of dns1123Subdomain(a.nodeName)) errs.push(invalid(`${path}.nodeName`, a.nodeName, m));
  if (!errs.length) errs.push(...nonSpecialIP(ip, `${path}.ip`));
  return errs;
}

/** ValidateNonSpecialIP: endpoints may not point at unspecified, loopback or link-local addresses. */
function nonSpecialIP(ip: string, path: string): FieldError[] {
  const v4 = ip.split('.').map(Number);
  const lower = ip.toLowerCase();
  if (ip === '0.0.0.0' || lower === '::') return [invalid(path, ip, 'may not be unspecified (0.0.0.0)')];
  if (v4[0] === 127 || lower === '::1') return [invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  if ((v4[0] === 169 && v4[1] === 254) || /^fe[89ab]/.test(lower)) return [invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  if ((v4[0] === 224 && v4[1] === 0 && v4[2] === 0) || lower.startsWith('ff02:')) return [invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  return [];
}

export function validateControllerRevision(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (o.data === undefined || o.data === null) errs.push(required('data', 'data is mandatory'));
  if (typeof o.revision === 'number') errs.push(...nonNegative(o.revision, 'revision'));
  return errs;
}

export function validateControllerRevisionUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  return immutable(next.data, old.data, 'data');
}
