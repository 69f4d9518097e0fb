import { FieldError, invalid, required, forbidden } from '../../errors/index.js';
import type { ClusterRole, ConfigMap, Namespace, Role, RoleBinding, Secret } from '../types.js';
import { configMapKeyErrors, dns1123Label, dns1123Subdomain, pathSegmentName } from '../../util/name-validation.js';
import { podStrategy } from './pod-strategy.js';
import type { Strategy } from './strategy.js';
import { WORKLOAD_STRATEGIES } from './workloads-strategy.js';
import { TRUST_STRATEGIES } from '../kinds/trust.js';
import { validateBinding, validateBindingUpdate, validateRules } from './rbac.js';
import { KIND_STRATEGIES } from './kind-strategies.js';
import { FAULT_STRATEGIES } from './token-fault.js';

export type { Strategy } from './strategy.js';

/** core.MaxSecretSize: the most data a Secret or ConfigMap may hold (pkg/apis/core/types.go). */
const MAX_SECRET_SIZE = 1024 * 1024;
export const SA_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
/** image pull secrets: the key their JSON must be in (ValidateSecret) */
const DOCKER_SECRET_KEYS: Record<string, string> = { 'kubernetes.io/dockerconfigjson': '.dockerconfigjson', 'kubernetes.io/dockercfg': '.dockercfg' };


/** Keys of a data map, each checked as IsConfigMapKey at `<path>[<key>]`. */
function validateConfigKeys(data: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(data ?? {})) for (const msg of configMapKeyErrors(k)) errs.push(invalid(`${path}[${k}]`, k, msg));
  return errs;
}

/** The bytes a base64 value decodes to (0 when it is not base64, which validation refuses apart). */
function decodedLength(v: unknown): number {
  return typeof v === 'string' && BASE64_RE.test(v) ? Buffer.byteLength(v, 'base64') : 0;
}

function isImmutable(o: { immutable?: boolean }): boolean {
  return o.immutable === true;
}

/**
 * Secret: ValidateSecret and ValidateSecretUpdate (pkg/apis/core/validation/validation.go):
 * keys as config-map keys at `data[<key>]`, at most 1 MiB of decoded data in total
 * (`data: Too long: …`), the keys each type requires; on update the type is immutable and an
 * immutable Secret keeps its data. (Over HTTP, values that are not base64 never get here: the
 * body decoder refuses them with Go's `illegal base64 data at input byte N`; objects given to the
 * library are checked here.)
 */
const secret: Strategy = {
  nameValidator: dns1123Subdomain,
  defaults(obj) {
    const s = obj as Secret;
    s.type ||= 'Opaque';
    if (s.stringData && typeof s.stringData === 'object') {
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.data ?? {})) Object.defineProperty(data, k, { value: v, enumerable: true, writable: true, configurable: true });
      for (const [k, v] of Object.entries(s.stringData)) Object.defineProperty(data, k, { value: Buffer.from(String(v), 'utf8').toString('base64'), enumerable: true, writable: true, configurable: true });
      s.data = data;
      delete s.stringData;
    }
  },
  validate(obj) {
    const s = obj as Secret;
    const errs: FieldError[] = [];
    let size = 0;
    for (const [k, v] of Object.entries(s.data ?? {})) {
      for (const msg of configMapKeyErrors(k)) errs.push(invalid(`data[${k}]`, k, msg));
      if (typeof v !== 'string' || !BASE64_RE.test(v) || v.length % 4 === 1) errs.push(invalid(`data[${k}]`, '<secret contents redacted>', 'illegal base64 data'));
      size += decodedLength(v);
    }
    if (size > MAX_SECRET_SIZE) errs.push(new FieldError('FieldValueTooLong', 'data', '', `must have at most ${MAX_SECRET_SIZE} bytes`));
    const has = (key: string) => s.data !== undefined && Object.hasOwn(s.data, key);
    switch (s.type) {
      case SA_TOKEN_SECRET_TYPE:
        if (!s.metadata.annotations?.['kubernetes.io/service-account.name']) errs.push(required('metadata.annotations[kubernetes.io/service-account.name]', ''));
        break;
      case 'kubernetes.io/dockerconfigjson':
      case 'kubernetes.io/dockercfg': {
        const key = DOCKER_SECRET_KEYS[s.type]!;
        if (!has(key)) errs.push(required(`data[${key}]`, ''));
        else {
          try {
            JSON.parse(Buffer.from(s.data![key]!, 'base64').toString('utf8'));
          } catch (e) {
            errs.push(invalid(`data[${key}]`, '<secret contents redacted>', (e as Error).message));
          }
        }
        break;
      }
      case 'kubernetes.io/basic-auth':
        if (!has('username') && !has('password')) errs.push(required('data[username]', ''), required('data[password]', ''));
        break;
      case 'kubernetes.io/ssh-auth':
        if (decodedLength(s.data?.['ssh-privatekey']) === 0) errs.push(required('data[ssh-privatekey]', ''));
        break;
      case 'kubernetes.io/tls':
        if (!has('tls.crt')) errs.push(required('data[tls.crt]', ''));
        if (!has('tls.key')) errs.push(required('data[tls.key]', ''));
        break;
      default:
    }
    return errs;
  },
  validateUpdate(next, old) {
    const n = next as Secret;
    const o = old as Secret;
    const errs: FieldError[] = [];
    if ((n.type || 'Opaque') !== (o.type || 'Opaque')) errs.push(invalid('type', n.type, 'field is immutable'));
    if (isImmutable(o)) {
      if (!isImmutable(n)) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (!sameMap(n.data, o.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    }
    return errs;
  },
};

/**
 * ConfigMap: ValidateConfigMap and ValidateConfigMapUpdate: keys as config-map keys, no key in
 * both `data` and `binaryData`, at most 1 MiB in total (`[]: Too long: …`, the field path of
 * `field.NewPath("")`); an immutable ConfigMap keeps its data and binaryData.
 */
const configMap: Strategy = {
  nameValidator: dns1123Subdomain,
  validate(obj) {
    const c = obj as ConfigMap;
    const errs: FieldError[] = [];
    let size = 0;
    for (const [k, v] of Object.entries(c.data ?? {})) {
      for (const msg of configMapKeyErrors(k)) errs.push(invalid(`data[${k}]`, k, msg));
      if (c.binaryData && Object.hasOwn(c.binaryData, k)) errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
      size += Buffer.byteLength(String(v));
    }
    errs.push(...validateConfigKeys(c.binaryData, 'binaryData'));
    for (const v of Object.values(c.binaryData ?? {})) size += decodedLength(v);
    if (size > MAX_SECRET_SIZE) errs.push(new FieldError('FieldValueTooLong', '[]', '', `must have at most ${MAX_SECRET_SIZE} bytes`));
    return errs;
  },
  validateUpdate(next, old) {
    const n = next as ConfigMap;
    const o = old as ConfigMap;
    const errs: FieldError[] = [];
    if (isImmutable(o)) {
      if (!isImmutable(n)) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (!sameMap(n.data, o.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
      if (!sameMap(n.binaryData, o.binaryData)) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
    }
    return errs;
  },
};

/** reflect.DeepEqual of two string maps, where an empty map and none are the same after a round trip. */
function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  return ka.length === kb.length && ka.every((k) => b !== undefined && Object.hasOwn(b, k) && b[k] === a![k]);
}

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
  ...KIND_STRATEGIES,
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
  ...FAULT_STRATEGIES,
  ...TRUST_STRATEGIES,
};

export function strategyFor(kind: string): Strategy {
  return STRATEGIES[kind] ?? plain;
}
