import { type FieldError, duplicate, errors, forbidden, invalid, notSupported, required } from '../../errors/index.js';
import type { KubeObject } from '../types.js';
import { list, obj, type Obj, immutable, selectorErrors } from './common.js';
import { qualifiedName } from '../../util/name-validation.js';
import { sortKeys } from '../../util/sorted-keys.js';
import { QUANTITY_FORMAT_ERROR, type Quantity, cmpQuantity, isWhole, parseQuantity, quantityString } from './quantity.js';

/** A quantity already checked by checkQuantities (or zero). */
const q = (v: unknown): Quantity => parseQuantity(v) ?? { num: 0n, exp: 0, format: 'DecimalSI' };
const canonicalQuantity = (v: unknown): string => quantityString(q(v));
const compareQuantities = (a: unknown, b: unknown): number => cmpQuantity(q(a), q(b));
const isWholeQuantity = (v: unknown): boolean => isWhole(q(v));
/** MilliValue(): the value in thousandths, rounded up. */
function milliValue(v: unknown): number {
  const x = q(v);
  const e = x.exp + 3;
  if (e >= 0) return Number(x.num * 10n ** BigInt(e));
  const div = 10n ** BigInt(-e);
  return Number(x.num / div + (x.num % div > 0n ? 1n : 0n));
}

/**
 * Core resources about amounts: LimitRange, ResourceQuota and PersistentVolumeClaim
 * (ValidateLimitRange, ValidateResourceQuota(Update), ValidatePersistentVolumeClaim(Update) in
 * pkg/apis/core/validation). Quantities that do not parse are refused as the decoder refuses
 * them (400 `... cannot be handled as a ...`); quantities are compared exactly.
 */

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage']);
const INTEGER_QUOTA_RESOURCES = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);
const STANDARD_QUOTA_RESOURCES = new Set([
  ...INTEGER_QUOTA_RESOURCES,
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const QUOTA_SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

/** Parses every quantity in a `map[ResourceName]Quantity` or throws the decoder's 400. */
function checkQuantities(kind: string, m: unknown): void {
  for (const v of Object.values(obj(m))) {
    if (!parseQuantity(v)) throw errors.badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${QUANTITY_FORMAT_ERROR}`);
  }
}

const isHugePages = (name: string) => name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');

function resourceName(name: string, path: string, standard: (n: string) => boolean, message: string): FieldError[] {
  const errs = qualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !standard(name)) errs.push(invalid(path, name, message));
  return errs;
}

export function validateLimitRange(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  list(obj(o.spec).limits).forEach((raw, i) => {
    const limit = obj(raw);
    const p = `spec.limits[${i}]`;
    const type = String(limit.type ?? '');
    for (const m of qualifiedName(type)) errs.push(invalid(`${p}.type`, type, m));
    if (!qualifiedName(type).length && !type.includes('/') && !LIMIT_TYPES.has(type)) errs.push(invalid(`${p}.type`, type, 'must be a standard limit type or fully qualified'));
    if (types.has(type)) errs.push(duplicate(`${p}.type`, type));
    types.add(type);
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) checkQuantities('LimitRange', limit[f]);
    const named = (f: string) => obj(limit[f]) as Record<string, string>;
    const keys = new Set<string>();
    for (const f of ['max', 'min']) {
      for (const k of Object.keys(named(f))) {
        errs.push(...resourceName(k, `${p}.${f}[${k}]`, (n) => STANDARD_CONTAINER_RESOURCES.has(n) || isHugePages(n), 'must be a standard resource type or fully qualified'));
        keys.add(k);
      }
    }
    if (type === 'Pod') {
      if (Object.keys(named('default')).length) errs.push(forbidden(`${p}.default`, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(named('defaultRequest')).length) errs.push(forbidden(`${p}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    } else {
      for (const f of ['default', 'defaultRequest']) {
        for (const k of Object.keys(named(f))) {
          errs.push(...resourceName(k, `${p}.${f}[${k}]`, (n) => STANDARD_CONTAINER_RESOURCES.has(n) || isHugePages(n), 'must be a standard resource type or fully qualified'));
          keys.add(k);
        }
      }
    }
    if (type === 'PersistentVolumeClaim' && named('min').storage === undefined && named('max').storage === undefined) {
      errs.push(required(`${p}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    for (const k of Object.keys(named('maxLimitRequestRatio'))) keys.add(k);
    for (const k of keys) {
      const [min, max, def, req, ratio] = ['min', 'max', 'default', 'defaultRequest', 'maxLimitRequestRatio'].map((f) => named(f)[k]);
      const s = (v: string) => canonicalQuantity(v);
      const gt = (a: string, b: string) => compareQuantities(String(a), String(b)) > 0;
      if (min !== undefined && max !== undefined && gt(min, max)) errs.push(invalid(`${p}.min[${k}]`, s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
      if (req !== undefined && min !== undefined && gt(min, req)) errs.push(invalid(`${p}.defaultRequest[${k}]`, s(req), `min value ${s(min)} is greater than default request value ${s(req)}`));
      if (req !== undefined && max !== undefined && gt(req, max)) errs.push(invalid(`${p}.defaultRequest[${k}]`, s(req), `default request value ${s(req)} is greater than max value ${s(max)}`));
      if (req !== undefined && def !== undefined && gt(req, def)) errs.push(invalid(`${p}.defaultRequest[${k}]`, s(req), `default request value ${s(req)} is greater than default limit value ${s(def)}`));
      if (def !== undefined && min !== undefined && gt(min, def)) errs.push(invalid(`${p}.default[${k}]`, s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
      if (def !== undefined && max !== undefined && gt(def, max)) errs.push(invalid(`${p}.default[${k}]`, s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
      if (ratio !== undefined && compareQuantities(String(ratio), '1') < 0) errs.push(invalid(`${p}.maxLimitRequestRatio[${k}]`, s(ratio), `ratio ${s(ratio)} is less than 1`));
      if (ratio !== undefined && min !== undefined && max !== undefined) {
        const limitRatio = milliValue(max) / milliValue(min);
        if (milliValue(ratio) / 1000 > limitRatio) errs.push(invalid(`${p}.maxLimitRequestRatio[${k}]`, s(ratio), `ratio ${s(ratio)} is greater than max/min = ${limitRatio.toFixed(6)}`));
      }
      if (isHugePages(k) && def !== undefined && req !== undefined && compareQuantities(String(def), String(req)) !== 0) {
        errs.push(invalid(`${p}.defaultRequest[${k}]`, s(req), `default value ${s(def)} must equal to defaultRequest value ${s(req)} in ${k}`));
      }
    }
  });
  return errs;
}

export function validateResourceQuota(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  checkQuantities('ResourceQuota', spec.hard);
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(obj(spec.hard))) {
    const p = `spec.hard[${k}]`;
    errs.push(...resourceName(k, p, (n) => STANDARD_QUOTA_RESOURCES.has(n) || isHugePages(n) || n.startsWith('count/'), 'must be a standard resource for quota'));
    if (compareQuantities(String(v), '0') < 0) errs.push(invalid(p, canonicalQuantity(String(v)), 'must be greater than or equal to 0'));
    if ((INTEGER_QUOTA_RESOURCES.has(k) || k.startsWith('count/')) && !isWholeQuantity(String(v))) errs.push(invalid(p, canonicalQuantity(String(v)), 'must be an integer'));
  }
  const scopes = list(spec.scopes).map(String);
  for (const s of scopes) if (!QUOTA_SCOPES.includes(s)) errs.push(invalid('spec.scopes', scopes, 'unsupported scope'));
  const has = (s: string) => scopes.includes(s);
  if ((has('Terminating') && has('NotTerminating')) || (has('BestEffort') && has('NotBestEffort'))) errs.push(invalid('spec.scopes', scopes, 'conflicting scopes'));
  const selector = obj(spec.scopeSelector);
  list(selector.matchExpressions).forEach((e, i) => {
    const ex = obj(e);
    const p = `spec.scopeSelector.matchExpressions[${i}]`;
    if (!QUOTA_SCOPES.includes(String(ex.scopeName))) errs.push(invalid(`${p}.scopeName`, ex.scopeName ?? '', 'unsupported scope'));
    const op = String(ex.operator ?? '');
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(op)) errs.push(notSupported(`${p}.operator`, op, ['DoesNotExist', 'Exists', 'In', 'NotIn']));
  });
  return errs;
}

export function validateResourceQuotaUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  return immutable(obj(next.spec).scopes, obj(old.spec).scopes, 'spec.scopes');
}

/** SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem. */
export function defaultPersistentVolumeClaim(o: KubeObject): void {
  if (!o.spec || typeof o.spec !== 'object') o.spec = {};
  (o.spec as Obj).volumeMode ??= 'Filesystem';
}

export function validatePersistentVolumeClaim(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const resources = obj(spec.resources);
  checkQuantities('PersistentVolumeClaim', resources.requests);
  checkQuantities('PersistentVolumeClaim', resources.limits);
  const errs: FieldError[] = [];
  const modes = list(spec.accessModes).map(String);
  if (modes.length === 0) errs.push(required('spec.accessModes', 'at least 1 access mode is required'));
  if (spec.selector !== undefined) errs.push(...selectorErrors(spec.selector, 'spec.selector'));
  for (const m of modes) if (!ACCESS_MODES.includes(m)) errs.push(notSupported('spec.accessModes', m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.some((m) => m !== 'ReadWriteOncePod')) errs.push(forbidden('spec.accessModes', 'may not use ReadWriteOncePod with other access modes'));
  const storage = obj(resources.requests).storage;
  if (storage === undefined) errs.push(required('spec.resources[storage]', ''));
  else if (compareQuantities(String(storage), '0') <= 0) errs.push(invalid('spec.resources[storage]', canonicalQuantity(String(storage)), 'must be greater than zero'));
  if (typeof spec.storageClassName === 'string' && spec.storageClassName) {
    for (const m of qualifiedName(spec.storageClassName)) errs.push(invalid('spec.storageClassName', spec.storageClassName, m));
  }
  if (spec.volumeMode !== undefined && spec.volumeMode !== 'Block' && spec.volumeMode !== 'Filesystem') errs.push(notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  return errs;
}

/**
 * ValidatePersistentVolumeClaimUpdate: the spec is immutable but for the storage request of a
 * bound claim, a volumeName set once, and a storageClassName set where there was none; the
 * request may not shrink to or below the capacity.
 */
export function validatePersistentVolumeClaimUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  const a = structuredClone(obj(next.spec));
  const b = structuredClone(obj(old.spec));
  if (!b.volumeName) b.volumeName = a.volumeName;
  if (b.storageClassName === undefined) b.storageClassName = a.storageClassName;
  const bound = obj(next.status).phase === 'Bound';
  if (bound) {
    obj(obj(b.resources).requests).storage = obj(obj(a.resources).requests).storage;
  }
  const errs: FieldError[] = [];
  if (JSON.stringify(sortKeys(a)) !== JSON.stringify(sortKeys(b))) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = obj(obj(obj(next.spec).resources).requests).storage;
  const capacity = obj(obj(old.status).capacity).storage;
  if (newSize !== undefined && capacity !== undefined && compareQuantities(String(newSize), String(capacity)) <= 0 && compareQuantities(String(newSize), String(obj(obj(obj(old.spec).resources).requests).storage ?? '0')) < 0) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  return errs;
}

