import { FieldError, invalid } from '../errors/index.js';
import { labelSelectorString } from './label-selector.js';
import type { KubeObject, LabelSelector, ObjectMeta } from './types.js';
import { validateObjectMeta } from './validation/object-meta.js';
import { dns1123Subdomain } from '../util/name-validation.js';

/**
 * The autoscaling/v1 Scale subresource of a Deployment, ReplicaSet or StatefulSet, as
 * pkg/registry/apps/<kind>/storage/storage.go builds it (`scaleFromDeployment`, ...): the object's
 * name, namespace, uid, resourceVersion and creation time; `spec.replicas`; `status.replicas` and
 * the selector as a string (`status.selector`).
 */
export interface Scale extends KubeObject {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

interface Scalable {
  spec?: { replicas?: number; selector?: LabelSelector };
  status?: { replicas?: number };
}

/**
 * The Scale of a workload (`spec.replicas` 0 is left out, as autoscaling/v1 `omitempty` does).
 * Undefined when its selector is one LabelSelectorAsSelector refuses (the caller answers 400).
 * @example
 * scaleOf({ metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } }, status: { replicas: 2 } });
 * // { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 }, status: { replicas: 2, selector: 'app=web' } }
 */
export function scaleOf(obj: KubeObject): Scale | undefined {
  const w = obj as KubeObject & Scalable;
  const selector = labelSelectorString(w.spec?.selector);
  if (selector === undefined) return undefined;
  const m = obj.metadata;
  const metadata: ObjectMeta = { name: m.name };
  if (m.namespace) metadata.namespace = m.namespace;
  if (m.uid) metadata.uid = m.uid;
  if (m.resourceVersion) metadata.resourceVersion = m.resourceVersion;
  metadata.creationTimestamp = m.creationTimestamp ?? null;
  const replicas = typeof w.spec?.replicas === 'number' ? w.spec.replicas : 0;
  const status: Scale['status'] = { replicas: typeof w.status?.replicas === 'number' ? w.status.replicas : 0 };
  if (selector) status.selector = selector;
  return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata, spec: replicas ? { replicas } : {}, status };
}

/**
 * Go's unmarshal error for a `spec.replicas` that is not an int32, or undefined when it is one
 * (or absent).
 * @example
 * scaleDecodeError({ replicas: 'three' }); // 'json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32'
 */
export function scaleDecodeError(spec: unknown): string | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (typeof spec !== 'object' || Array.isArray(spec)) return `json: cannot unmarshal ${jsonType(spec)} into Go struct field Scale.spec of type v1.ScaleSpec`;
  const r = (spec as { replicas?: unknown }).replicas;
  if (r === undefined || r === null) return undefined;
  if (typeof r !== 'number') return `json: cannot unmarshal ${jsonType(r)} into Go struct field ScaleSpec.spec.replicas of type int32`;
  if (!Number.isInteger(r) || r > 2147483647 || r < -2147483648) return `json: cannot unmarshal number ${r} into Go struct field ScaleSpec.spec.replicas of type int32`;
  return undefined;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * autoscaling `ValidateScale`: object metadata (namespaced, DNS subdomain name) and
 * `spec.replicas >= 0`.
 * @example
 * validateScale({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'd' }, spec: { replicas: -1 }, status: { replicas: 0 } })[0].toString();
 * // 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'
 */
export function validateScale(scale: KubeObject): FieldError[] {
  const errs = validateObjectMeta(scale.metadata, true, dns1123Subdomain);
  const spec = scale.spec as { replicas?: unknown } | undefined;
  if (typeof spec?.replicas === 'number' && spec.replicas < 0) errs.push(invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  return errs;
}
