import { EXTRA_VALUE } from './k8s-authentication-schema.js';
import { FIELD_SELECTOR_REQUIREMENT, LABEL_SELECTOR_REQUIREMENT, OBJECT_META } from './k8s-meta-schema.js';
import { f, message, type MessageSchema } from './proto-schema.js';

/*
 * authorization.k8s.io/v1 messages (k8s.io/api authorization/v1/generated.proto).
 * SubjectAccessReviewStatus.allowed and SubjectRulesReviewStatus.incomplete have no `omitempty`
 * in Go, yet kubectl's JSON meaning leaves a false one out (see the `auth can-i` vectors): status
 * is server-filled, so it is rendered like an `omitempty` field here.
 */

const RESOURCE_ATTRIBUTES = message('ResourceAttributes', [
  f.str('namespace', 1),
  f.str('verb', 2),
  f.str('group', 3),
  f.str('version', 4),
  f.str('resource', 5),
  f.str('subresource', 6),
  f.str('name', 7),
  f.ptr('fieldSelector', 8, message('FieldSelectorAttributes', [f.str('rawSelector', 1), f.list('requirements', 2, FIELD_SELECTOR_REQUIREMENT)])),
  f.ptr('labelSelector', 9, message('LabelSelectorAttributes', [f.str('rawSelector', 1), f.list('requirements', 2, LABEL_SELECTOR_REQUIREMENT)])),
]);

const NON_RESOURCE_ATTRIBUTES = message('NonResourceAttributes', [f.str('path', 1), f.str('verb', 2)]);

const ACCESS_REVIEW_STATUS = message('SubjectAccessReviewStatus', [
  f.str('allowed', 1, 'bool'),
  f.str('denied', 4, 'bool'),
  f.str('reason', 2),
  f.str('evaluationError', 3),
]);

const ACCESS_REVIEW_SPEC = message('SubjectAccessReviewSpec', [
  f.ptr('resourceAttributes', 1, RESOURCE_ATTRIBUTES),
  f.ptr('nonResourceAttributes', 2, NON_RESOURCE_ATTRIBUTES),
  f.str('user', 3),
  f.list('groups', 4),
  f.map('extra', 5, EXTRA_VALUE),
  f.str('uid', 6),
]);

/** The three access reviews share metadata, a spec and SubjectAccessReviewStatus. */
function accessReview(name: string, spec: MessageSchema = ACCESS_REVIEW_SPEC): MessageSchema {
  return message(name, [f.str('metadata', 1, OBJECT_META), f.always('spec', 2, spec), f.str('status', 3, ACCESS_REVIEW_STATUS)]);
}

/**
 * SubjectAccessReview.
 *
 * @example
 * SUBJECT_ACCESS_REVIEW.fields.map((x) => x.json); // ['metadata', 'spec', 'status']
 */
export const SUBJECT_ACCESS_REVIEW = accessReview('SubjectAccessReview');

/**
 * LocalSubjectAccessReview: the SubjectAccessReview shape, namespaced.
 *
 * @example
 * LOCAL_SUBJECT_ACCESS_REVIEW.fields[1]?.json; // 'spec'
 */
export const LOCAL_SUBJECT_ACCESS_REVIEW = accessReview('LocalSubjectAccessReview');

/**
 * SelfSubjectAccessReview (`kubectl auth can-i VERB RESOURCE|URL`).
 *
 * @example
 * SELF_SUBJECT_ACCESS_REVIEW.fields.map((x) => x.json); // ['metadata', 'spec', 'status']
 */
export const SELF_SUBJECT_ACCESS_REVIEW = accessReview(
  'SelfSubjectAccessReview',
  message('SelfSubjectAccessReviewSpec', [f.ptr('resourceAttributes', 1, RESOURCE_ATTRIBUTES), f.ptr('nonResourceAttributes', 2, NON_RESOURCE_ATTRIBUTES)]),
);

const RESOURCE_RULE = message('ResourceRule', [f.list('verbs', 1), f.list('apiGroups', 2), f.list('resources', 3), f.list('resourceNames', 4)]);
const NON_RESOURCE_RULE = message('NonResourceRule', [f.list('verbs', 1), f.list('nonResourceURLs', 2)]);

/**
 * SelfSubjectRulesReview (`kubectl auth can-i --list`).
 *
 * @example
 * SELF_SUBJECT_RULES_REVIEW.fields.map((x) => x.json); // ['metadata', 'spec', 'status']
 */
export const SELF_SUBJECT_RULES_REVIEW = message('SelfSubjectRulesReview', [
  f.str('metadata', 1, OBJECT_META),
  f.always('spec', 2, message('SelfSubjectRulesReviewSpec', [f.str('namespace', 1)])),
  f.str(
    'status',
    3,
    message('SubjectRulesReviewStatus', [
      f.list('resourceRules', 1, RESOURCE_RULE),
      f.list('nonResourceRules', 2, NON_RESOURCE_RULE),
      f.str('incomplete', 3, 'bool'),
      f.str('evaluationError', 4),
    ]),
  ),
]);
