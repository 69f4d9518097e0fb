import { OBJECT_META } from './k8s-meta-schema.js';
import { f, message } from './proto-schema.js';

/*
 * authentication.k8s.io/v1 messages (k8s.io/api authentication/v1/generated.proto).
 * TokenRequestStatus.token has no `omitempty` in Go, yet kubectl's JSON meaning leaves the empty
 * token out (see the `kubectl create token` vectors): status is server-filled, so it is rendered
 * like an `omitempty` field here.
 */

/**
 * `ExtraValue`, a `[]string` in JSON; shared with authorization/v1, which declares the same message.
 *
 * @example
 * EXTRA_VALUE.unwrap; // 'items'
 */
export const EXTRA_VALUE = message('ExtraValue', [f.list('items', 1)], 'items');

/**
 * UserInfo: every member is `omitempty`.
 *
 * @example
 * USER_INFO.fields.map((x) => x.json); // ['username', 'uid', 'groups', 'extra']
 */
export const USER_INFO = message('UserInfo', [
  f.str('username', 1),
  f.str('uid', 2),
  f.list('groups', 3),
  f.map('extra', 4, EXTRA_VALUE),
]);

const BOUND_OBJECT_REFERENCE = message('BoundObjectReference', [
  f.str('kind', 1),
  f.str('apiVersion', 2),
  f.str('name', 3),
  f.str('uid', 4),
]);

/**
 * TokenRequest (`kubectl create token`). kubectl writes `boundObjectRef.uid: ""` without
 * `--bound-object-uid`, and no expirationSeconds without `--duration`.
 *
 * @example
 * TOKEN_REQUEST.fields.map((x) => x.json); // ['metadata', 'spec', 'status']
 */
export const TOKEN_REQUEST = message('TokenRequest', [
  f.str('metadata', 1, OBJECT_META),
  f.always(
    'spec',
    2,
    message('TokenRequestSpec', [
      f.list('audiences', 1),
      f.ptr('expirationSeconds', 4, 'int64'),
      f.ptr('boundObjectRef', 3, BOUND_OBJECT_REFERENCE),
    ]),
  ),
  f.str('status', 3, message('TokenRequestStatus', [f.str('token', 1), f.time('expirationTimestamp', 2)])),
]);

/**
 * TokenReview.
 *
 * @example
 * TOKEN_REVIEW.fields.map((x) => x.json); // ['metadata', 'spec', 'status']
 */
export const TOKEN_REVIEW = message('TokenReview', [
  f.str('metadata', 1, OBJECT_META),
  f.always('spec', 2, message('TokenReviewSpec', [f.str('token', 1), f.list('audiences', 2)])),
  f.str(
    'status',
    3,
    message('TokenReviewStatus', [
      f.str('authenticated', 1, 'bool'),
      f.str('user', 2, USER_INFO),
      f.list('audiences', 4),
      f.str('error', 3),
    ]),
  ),
]);

/**
 * SelfSubjectReview (`kubectl auth whoami`): no spec.
 *
 * @example
 * SELF_SUBJECT_REVIEW.fields.map((x) => x.json); // ['metadata', 'status']
 */
export const SELF_SUBJECT_REVIEW = message('SelfSubjectReview', [
  f.str('metadata', 1, OBJECT_META),
  f.str('status', 2, message('SelfSubjectReviewStatus', [f.str('userInfo', 1, USER_INFO)])),
]);
