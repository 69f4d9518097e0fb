import { OBJECT_META } from './k8s-meta-schema.js';
import { f, message } from './proto-schema.js';

/*
 * core/v1 messages (k8s.io/api core/v1/generated.proto, Go types in types.go).
 */

const OBJECT_REFERENCE = message('ObjectReference', [
  f.str('kind', 1),
  f.str('namespace', 2),
  f.str('name', 3),
  f.str('uid', 4),
  f.str('apiVersion', 5),
  f.str('resourceVersion', 6),
  f.str('fieldPath', 7),
]);

const LOCAL_OBJECT_REFERENCE = message('LocalObjectReference', [f.str('name', 1)]);

/**
 * v1 ServiceAccount (`kubectl create serviceaccount`).
 *
 * @example
 * SERVICE_ACCOUNT.fields.map((x) => x.json); // ['metadata', 'secrets', 'imagePullSecrets', 'automountServiceAccountToken']
 */
export const SERVICE_ACCOUNT = message('ServiceAccount', [
  f.str('metadata', 1, OBJECT_META),
  f.list('secrets', 2, OBJECT_REFERENCE),
  f.list('imagePullSecrets', 3, LOCAL_OBJECT_REFERENCE),
  f.ptr('automountServiceAccountToken', 4, 'bool'),
]);

/**
 * v1 Secret (`kubectl create secret ...`): data values are bytes, rendered base64 as in JSON.
 *
 * @example
 * SECRET.fields.map((x) => x.json); // ['metadata', 'immutable', 'data', 'stringData', 'type']
 */
export const SECRET = message('Secret', [
  f.str('metadata', 1, OBJECT_META),
  f.ptr('immutable', 5, 'bool'),
  f.map('data', 2, 'bytes'),
  f.map('stringData', 4),
  f.str('type', 3),
]);

/**
 * v1 ConfigMap (`kubectl create configmap`).
 *
 * @example
 * CONFIG_MAP.fields.map((x) => x.json); // ['metadata', 'immutable', 'data', 'binaryData']
 */
export const CONFIG_MAP = message('ConfigMap', [
  f.str('metadata', 1, OBJECT_META),
  f.ptr('immutable', 4, 'bool'),
  f.map('data', 2),
  f.map('binaryData', 3, 'bytes'),
]);

const NAMESPACE_CONDITION = message('NamespaceCondition', [
  f.always('type', 1),
  f.always('status', 2),
  f.time('lastTransitionTime', 4),
  f.str('reason', 5),
  f.str('message', 6),
]);

/**
 * v1 Namespace (`kubectl create namespace`).
 *
 * @example
 * NAMESPACE.fields.map((x) => x.json); // ['metadata', 'spec', 'status']
 */
export const NAMESPACE = message('Namespace', [
  f.str('metadata', 1, OBJECT_META),
  f.str('spec', 2, message('NamespaceSpec', [f.list('finalizers', 1)])),
  f.str('status', 3, message('NamespaceStatus', [f.str('phase', 1), f.list('conditions', 2, NAMESPACE_CONDITION)])),
]);
