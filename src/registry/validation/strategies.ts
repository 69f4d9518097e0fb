import { FieldError, invalid, required, forbidden } from '../../errors/index.js';
import type { ClusterRole, ConfigMap, Namespace, Role, RoleBinding, Secret } from '../types.js';
import { dns1123Label, dns1123Subdomain, pathSegmentName } from './names.js';
import { podStrategy } from './pod-strategy.js';
import type { Strategy } from './strategy.js';
import { WORKLOAD_STRATEGIES } from './workloads-strategy.js';
import { TRUST_STRATEGIES } from '../../identity/trust-kinds.js';
import { validateBinding, validateBindingUpdate, validateRules } from './rbac.js';

export type { Strategy } from './strategy.js';

const CONFIG_KEY_RE = /^[-._a-zA-Z0-9]+$/;
const MAX_SECRET_SIZE = 1024 * 1024;
export const SA_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
/** image pull secrets: the key their JSON must be in (ValidateSecret) */
const DOCKER_SECRET_KEYS: Record<string, string> = { 'kubernetes.io/dockerconfigjson': '.dockerconfigjson', 'kubernetes.io/dockercfg': '.dockercfg' };

function validateConfigKeys(data: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(data ?? {})) {
    if (k.length > 253) errs.push(invalid(path, k, 'must be no more than 253 characters'));
    if (!CONFIG_KEY_RE.test(k)) {
      errs.push(invalid(path, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
    }
    if (k === '.' || k === '..') errs.push(invalid(path, k, `must not be '${k}'`));
  }
  return errs;
}

const secret: Strategy = {
  nameValidator: dns1123Subdomain,
  defaults(obj) {
    const s = obj as Secret;
    s.type ||= 'Opaque';
    if (s.stringData && typeof s.stringData === 'object') {
      s.data = { ...(s.data ?? {}) };
      for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete s.stringData;
    }
  },
  validate(obj) {
    const s = obj as Secret;
    const errs = validateConfigKeys(s.data, 'data');
    let size = 0;
    for (const [k, v] of Object.entries(s.data ?? {})) {
      if (typeof v !== 'string' || !BASE64_RE.test(v) || v.length % 4 === 1) errs.push(invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
      else size += Buffer.byteLength(v, 'base64');
    }
    if (size > MAX_SECRET_SIZE) errs.push(new FieldError('FieldValueTooLong', 'data', '', `must have at most ${MAX_SECRET_SIZE} bytes`));
    if (s.type === SA_TOKEN_SECRET_TYPE && !s.metadata.annotations?.['kubernetes.io/service-account.name']) {
      errs.push(required('metadata.annotations[kubernetes.io/service-account.name]', ''));
    }
    const docker = DOCKER_SECRET_KEYS[s.type ?? ''];
    if (docker) {
      const raw = s.data?.[docker];
      if (raw === undefined) errs.push(required(`data[${docker}]`, ''));
      else {
        try {
          JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
        } catch (e) {
          errs.push(invalid(`data[${docker}]`, '<secret contents redacted>', (e as Error).message));
        }
      }
    }
    return errs;
  },
  validateUpdate(next, old) {
    const n = next as Secret;
    const o = old as Secret;
    const errs: FieldError[] = [];
    if ((n.type || 'Opaque') !== (o.type || 'Opaque')) errs.push(invalid('type', n.type, 'field is immutable'));
    if (o.immutable === true && JSON.stringify(n.data ?? {}) !== JSON.stringify(o.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (o.immutable === true && n.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    return errs;
  },
};

const configMap: Strategy = {
  nameValidator: dns1123Subdomain,
  validate(obj) {
    const c = obj as ConfigMap;
    const errs = [...validateConfigKeys(c.data, 'data'), ...validateConfigKeys(c.binaryData, 'binaryData')];
    for (const k of Object.keys(c.data ?? {})) if (c.binaryData && k in c.binaryData) errs.push(invalid('data', k, 'duplicate of key present in binaryData'));
    return errs;
  },
  validateUpdate(next, old) {
    const o = old as ConfigMap;
    if (o.immutable === true && JSON.stringify((next as ConfigMap).data ?? {}) !== JSON.stringify(o.data ?? {})) return [forbidden('data', 'field is immutable when `immutable` is set')];
    return [];
  },
};

const namespace: Strategy = {
  nameValidator: dns1123Label,
  defaults(obj) {
    const ns = obj as Namespace;
    ns.spec ??= { finalizers: ['kubernetes'] };
    ns.status ??= { phase: 'Active' };
    ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  },
};

const pod: Strategy = podStrategy;

const role: Strategy = { nameValidator: pathSegmentName, validate: (o) => validateRules((o as Role).rules, true) };
const clusterRole: Strategy = { nameValidator: pathSegmentName, validate: (o) => validateRules((o as ClusterRole).rules, false) };
const roleBinding: Strategy = {
  nameValidator: pathSegmentName,
  validate: (o) => validateBinding(o as RoleBinding, true),
  validateUpdate: (n, o) => validateBindingUpdate(n as RoleBinding, o as RoleBinding),
};
const clusterRoleBinding: Strategy = {
  nameValidator: pathSegmentName,
  validate: (o) => validateBinding(o as RoleBinding, false),
  validateUpdate: (n, o) => validateBindingUpdate(n as RoleBinding, o as RoleBinding),
};
const plain: Strategy = { nameValidator: dns1123Subdomain };

const STRATEGIES: Record<string, Strategy> = {
  Namespace: namespace,
  ServiceAccount: plain,
  Pod: pod,
  Secret: secret,
  ConfigMap: configMap,
  Node: plain,
  Event: plain,
  Role: role,
  ClusterRole: clusterRole,
  RoleBinding: roleBinding,
  ClusterRoleBinding: clusterRoleBinding,
  ...WORKLOAD_STRATEGIES,
  ...TRUST_STRATEGIES,
};

export function strategyFor(kind: string): Strategy {
  return STRATEGIES[kind] ?? plain;
}
