/**
 * `validation.ValidatePolicy` (staging/src/k8s.io/apiserver/pkg/apis/audit/validation/validation.go),
 * with its messages, as field.Error renders them.
 */
import { FieldError, invalid, notSupported, required } from '../errors/field-error.js';
import { dns1123Subdomain } from '../util/name-validation.js';
import { goQuote } from '../util/go-format.js';
import { LEVELS, STAGES, type GroupResources, type Policy, type PolicyRule } from './types.js';

/** An invalid `[]string`, whose value field.Error prints with `%#v`: `[]string{"a", "b"}`. */
class StringSliceError extends FieldError {
  constructor(field: string, items: readonly string[], detail: string) {
    super('FieldValueInvalid', field, items, detail);
  }

  override body(): string {
    return `Invalid value: []string{${(this.badValue as string[]).map(goQuote).join(', ')}}: ${this.detail}`;
  }
}

const sliceError = (field: string, items: readonly string[], detail: string) => new StringSliceError(field, items, detail);

const VALID_STAGES = STAGES.join(',');

function validateOmitStages(stages: readonly string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (stages ?? []).forEach((stage, i) => {
    if (!(STAGES as readonly string[]).includes(stage)) errs.push(invalid(`${path}[${i}]`, stage, `allowed stages are ${VALID_STAGES}`));
  });
  return errs;
}

function validateLevel(level: string | undefined, path: string): FieldError[] {
  if (level === undefined || level === '') return [required(path)];
  if (!(LEVELS as readonly string[]).includes(level)) return [notSupported(path, level, [...LEVELS])];
  return [];
}

function validateNonResourceURLs(urls: readonly string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (urls ?? []).forEach((url, i) => {
    if (url === '*') return;
    if (!url.startsWith('/')) errs.push(invalid(`${path}[${i}]`, url, "non-resource URL rules must begin with a '/' character"));
    if (url !== '' && url.slice(0, -1).includes('*')) errs.push(invalid(`${path}[${i}]`, url, "non-resource URL wildcards '*' must be the final character of the rule"));
  });
  return errs;
}

/** As Go: the path names `resources.group`, not the index of the group resource. */
function validateResources(groups: readonly GroupResources[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const gr of groups ?? []) {
    if (gr.group) {
      const msgs = dns1123Subdomain(gr.group);
      if (msgs.length) errs.push(invalid(`${path}.group`, gr.group, msgs.join(',')));
    }
    if (gr.resourceNames?.length && !gr.resources?.length) errs.push(sliceError(`${path}.resourceNames`, gr.resourceNames, 'using resourceNames requires at least one resource'));
  }
  return errs;
}

function validateRule(rule: PolicyRule, path: string): FieldError[] {
  const errs = [
    ...validateLevel(rule.level, `${path}.level`),
    ...validateNonResourceURLs(rule.nonResourceURLs, `${path}.nonResourceURLs`),
    ...validateResources(rule.resources, `${path}.resources`),
    ...validateOmitStages(rule.omitStages, `${path}.omitStages`),
  ];
  if (rule.nonResourceURLs?.length && (rule.resources?.length || rule.namespaces?.length)) {
    errs.push(sliceError(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
  }
  return errs;
}

/**
 * Every error in a policy, in Kubernetes' order: the policy's omitStages, then each rule's
 * level, non-resource URLs, resources, omitStages, and the resources/URLs conflict.
 * @example
 * validatePolicy({ rules: [{ level: 'FooBar' as Level }] }).map(String);
 * // ['rules[0].level: Unsupported value: "FooBar": supported values: "None", "Metadata", "Request", "RequestResponse"']
 */
export function validatePolicy(policy: Policy): FieldError[] {
  const errs = validateOmitStages(policy.omitStages, 'omitStages');
  policy.rules.forEach((rule, i) => errs.push(...validateRule(rule, `rules[${i}]`)));
  return errs;
}
