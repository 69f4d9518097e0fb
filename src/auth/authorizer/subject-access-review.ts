/**
 * The SubjectAccessReview wire format of the webhook authorizer
 * (staging/src/k8s.io/apiserver/plugin/pkg/authorizer/webhook/webhook.go): the review
 * kube-apiserver sends for a request's attributes, and the reading of the webhook's answer
 * into the Go types of `authorization.k8s.io/v1` or `v1beta1`, with client-go's decoding errors.
 */
import { RestError, unmarshalStatus } from '../../client/rest-errors.js';
import { sortedExtra } from '../../registry/user-info.js';
import { goQuote } from '../../util/go-format.js';
import { compareGoStrings } from '../../util/go-strings.js';
import { decodeDocument, goJsonStringify, goTypes, goUnmarshal, groupVersionString, interpretKind, withDefaults, type GoType, type Gvk } from '../../util/go-json.js';
import type { Attributes } from './types.js';

/** The SubjectAccessReview versions a webhook may speak. */
export type SubjectAccessReviewVersion = 'v1' | 'v1beta1';

/** The decision part of a review's status. */
export interface SarStatus {
  allowed: boolean;
  denied: boolean;
  reason: string;
  evaluationError: string;
}

const GROUP = 'authorization.k8s.io';

/** The list/watch field selector as authorization.k8s.io requirements, in the order fields.ParseSelector sorts the terms. */
function fieldSelectorRequirements(a: Attributes): Array<{ key: string; operator: string; values: string[] }> {
  const terms = (a.fieldSelector ?? []).map((r) => ({ text: `${r.field}${r.operator}${r.value}`, req: { key: r.field, operator: r.operator === '!=' ? 'NotIn' : 'In', values: [r.value] } }));
  terms.sort((x, y) => compareGoStrings(x.text, y.text));
  return terms.map((t) => t.req);
}

/** The v1 spec kube-apiserver builds (and keys its cache with), empty fields left out. */
function v1Spec(a: Attributes): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const pick = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ''));
  if (a.resourceRequest) {
    const ra: Record<string, unknown> = pick({ namespace: a.namespace, verb: a.verb, group: a.apiGroup, version: a.apiVersion, resource: a.resource, subresource: a.subresource, name: a.name });
    const requirements = fieldSelectorRequirements(a);
    if (requirements.length) ra.fieldSelector = { requirements };
    spec.resourceAttributes = ra;
  } else {
    spec.nonResourceAttributes = pick({ path: a.path, verb: a.verb });
  }
  if (a.user.username) spec.user = a.user.username;
  if (a.user.groups?.length) spec.groups = a.user.groups;
  const extra = sortedExtra(a.user.extra);
  if (Object.keys(extra).length) spec.extra = extra;
  if (a.user.uid) spec.uid = a.user.uid;
  return spec;
}

/**
 * The key kube-apiserver's decision cache uses for `a`: the v1 spec as JSON, whatever version
 * goes on the wire.
 * @example
 * sarCacheKey(attrs); // '{"resourceAttributes":{"namespace":"a","verb":"get",...},"user":"alice",...}'
 */
export function sarCacheKey(a: Attributes): string {
  return goJsonStringify(v1Spec(a));
}

/**
 * The SubjectAccessReview body kube-apiserver sends for `a`, keys in Go's order, empty fields
 * left out; v1beta1 (the default) calls the groups `group`.
 * @example
 * subjectAccessReviewFor(attrs, 'v1').spec; // { resourceAttributes: { namespace: 'a', verb: 'get', version: 'v1', resource: 'pods' }, user: 'alice', groups: [...] }
 */
export function subjectAccessReviewFor(a: Attributes, version: SubjectAccessReviewVersion = 'v1beta1'): Record<string, unknown> {
  const spec = v1Spec(a);
  const wire = version === 'v1' ? spec : Object.fromEntries(Object.entries(spec).map(([k, v]) => [k === 'groups' ? 'group' : k, v]));
  return { kind: 'SubjectAccessReview', apiVersion: `${GROUP}/${version}`, metadata: { creationTimestamp: null }, spec: wire, status: { allowed: false } };
}

// --- the Go types an answer is decoded into ---------------------------------------------------

const { string, bool } = goTypes;

function sarType(version: SubjectAccessReviewVersion): GoType {
  const named = (name: string): GoType => ({ kind: 'string', name });
  const selector = (kind: 'Field' | 'Label') =>
    goTypes.struct(
      `${version}.${kind}SelectorAttributes`,
      { rawSelector: string, requirements: goTypes.slice(goTypes.struct(`v1.${kind}SelectorRequirement`, { key: string, operator: named(`v1.${kind}SelectorOperator`), values: goTypes.slice(string) })) },
      { pointer: true },
    );
  const meta = goTypes.struct('v1.ObjectMeta', {
    name: string,
    generateName: string,
    namespace: string,
    selfLink: string,
    uid: named('types.UID'),
    resourceVersion: string,
    generation: goTypes.int64,
    labels: goTypes.map(string),
    annotations: goTypes.map(string),
    finalizers: goTypes.slice(string),
    creationTimestamp: goTypes.any,
    deletionTimestamp: goTypes.any,
    deletionGracePeriodSeconds: goTypes.any,
    ownerReferences: goTypes.any,
    managedFields: goTypes.any,
  });
  const extraValue = goTypes.slice(string, `${version}.ExtraValue`);
  const spec = goTypes.struct(`${version}.SubjectAccessReviewSpec`, {
    resourceAttributes: goTypes.struct(
      `${version}.ResourceAttributes`,
      { namespace: string, verb: string, group: string, version: string, resource: string, subresource: string, name: string, fieldSelector: selector('Field'), labelSelector: selector('Label') },
      { pointer: true },
    ),
    nonResourceAttributes: goTypes.struct(`${version}.NonResourceAttributes`, { path: string, verb: string }, { pointer: true }),
    user: string,
    [version === 'v1' ? 'groups' : 'group']: goTypes.slice(string),
    extra: goTypes.map(extraValue, `map[string]${version}.ExtraValue`),
    uid: string,
  });
  const status = goTypes.struct(`${version}.SubjectAccessReviewStatus`, { allowed: bool, denied: bool, reason: string, evaluationError: string });
  return goTypes.struct(`${version}.SubjectAccessReview`, { apiVersion: string, kind: string, metadata: meta, spec, status });
}

const SAR_TYPES: Record<SubjectAccessReviewVersion, GoType> = { v1: sarType('v1'), v1beta1: sarType('v1beta1') };

/**
 * `Result.Into(&SubjectAccessReview{})` of a successful answer: the document's kind and
 * apiVersion default to the review's; an answer in the other version, a Status, or another
 * kind fails as the client's scheme fails it (it has no conversions); a field of the wrong type
 * fails as Go's decoder does.
 * @example
 * readSubjectAccessReview('{"status":{"allowed":true}}', 'v1beta1'); // { allowed: true, denied: false, reason: '', evaluationError: '' }
 */
export function readSubjectAccessReview(text: string, version: SubjectAccessReviewVersion): SarStatus {
  const doc = decodeDocument(text);
  const expected: Gvk = { group: GROUP, version, kind: 'SubjectAccessReview' };
  const gvk = withDefaults(interpretKind(doc), expected);
  if (!gvk.kind) throw new RestError(`Object 'Kind' is missing in '${text}'`);
  if (!gvk.version) throw new RestError(`Object 'apiVersion' is missing in '${text}'`);
  const target = `${version}.SubjectAccessReview`;
  if (gvk.kind === 'Status') {
    unmarshalStatus(doc);
    throw new RestError(`converting (v1.Status) to (${target}): unknown conversion`);
  }
  if (gvk.group === GROUP && gvk.kind === 'SubjectAccessReview' && (gvk.version === 'v1' || gvk.version === 'v1beta1')) {
    const review = goUnmarshal(doc, SAR_TYPES[gvk.version]);
    if (gvk.version !== version) throw new RestError(`converting (${gvk.version}.SubjectAccessReview) to (${target}): unknown conversion`);
    const s = (review?.status ?? {}) as Record<string, unknown>;
    return { allowed: s.allowed === true, denied: s.denied === true, reason: typeof s.reason === 'string' ? s.reason : '', evaluationError: typeof s.evaluationError === 'string' ? s.evaluationError : '' };
  }
  throw new RestError(`no kind ${goQuote(gvk.kind)} is registered for version ${goQuote(groupVersionString(gvk))}`);
}
