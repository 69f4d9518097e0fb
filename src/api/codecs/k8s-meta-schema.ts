import { f, message, type MessageSchema } from './proto-schema.js';

/*
 * apimachinery meta/v1 messages (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto,
 * Go types in types.go). Field numbers are the proto's; member order is the Go struct's.
 */

/**
 * metav1.OwnerReference: apiVersion, kind, name and uid carry no `omitempty`.
 *
 * @example
 * OWNER_REFERENCE.fields.map((x) => x.json); // ['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion']
 */
export const OWNER_REFERENCE = message('OwnerReference', [
  f.always('apiVersion', 5),
  f.always('kind', 1),
  f.always('name', 3),
  f.always('uid', 4),
  f.ptr('controller', 6, 'bool'),
  f.ptr('blockOwnerDeletion', 7, 'bool'),
]);

/**
 * metav1.ObjectMeta, without managedFields (17), which is skipped like any unknown field.
 *
 * @example
 * OBJECT_META.fields.find((x) => x.json === 'creationTimestamp')?.type; // 'time'
 */
export const OBJECT_META = message('ObjectMeta', [
  f.str('name', 1),
  f.str('generateName', 2),
  f.str('namespace', 3),
  f.str('selfLink', 4),
  f.str('uid', 5),
  f.str('resourceVersion', 6),
  f.str('generation', 7, 'int64'),
  f.time('creationTimestamp', 8),
  f.ptr('deletionTimestamp', 9, 'time'),
  f.ptr('deletionGracePeriodSeconds', 10, 'int64'),
  f.map('labels', 11),
  f.map('annotations', 12),
  f.list('ownerReferences', 13, OWNER_REFERENCE),
  f.list('finalizers', 14),
]);

/**
 * metav1.LabelSelectorRequirement: key and operator carry no `omitempty`.
 *
 * @example
 * LABEL_SELECTOR_REQUIREMENT.fields[0]; // { json: 'key', id: 1, type: 'string', presence: 'always' }
 */
export const LABEL_SELECTOR_REQUIREMENT = message('LabelSelectorRequirement', [
  f.always('key', 1),
  f.always('operator', 2),
  f.list('values', 3),
]);

/**
 * metav1.LabelSelector (ClusterRole aggregation rules).
 *
 * @example
 * LABEL_SELECTOR.fields.map((x) => x.json); // ['matchLabels', 'matchExpressions']
 */
export const LABEL_SELECTOR = message('LabelSelector', [
  f.map('matchLabels', 1),
  f.list('matchExpressions', 2, LABEL_SELECTOR_REQUIREMENT),
]);

/**
 * metav1.FieldSelectorRequirement (SubjectAccessReview field selectors).
 *
 * @example
 * FIELD_SELECTOR_REQUIREMENT.fields.map((x) => x.json); // ['key', 'operator', 'values']
 */
export const FIELD_SELECTOR_REQUIREMENT = message('FieldSelectorRequirement', [
  f.always('key', 1),
  f.always('operator', 2),
  f.list('values', 3),
]);

const PRECONDITIONS = message('Preconditions', [f.ptr('uid', 1, 'string'), f.ptr('resourceVersion', 2, 'string')]);

/**
 * metav1.DeleteOptions: typed clients send it as the body of a DELETE. Every member is a
 * pointer or a list, so only what the client set appears.
 *
 * @example
 * DELETE_OPTIONS.fields.map((x) => x.json)[3]; // 'propagationPolicy'
 */
export const DELETE_OPTIONS: MessageSchema = message('DeleteOptions', [
  f.ptr('gracePeriodSeconds', 1, 'int64'),
  f.ptr('preconditions', 2, PRECONDITIONS),
  f.ptr('orphanDependents', 3, 'bool'),
  f.ptr('propagationPolicy', 4, 'string'),
  f.list('dryRun', 5),
  f.ptr('ignoreStoreReadErrorWithClusterBreakingPotential', 6, 'bool'),
]);
