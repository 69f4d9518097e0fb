import { type FieldError, invalid, required, notSupported } from '../../errors/index.js';
import type { PolicyRule, RoleBinding, Subject } from '../types.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** ValidatePolicyRule (pkg/apis/rbac/validation). */
export function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (rules !== undefined && !Array.isArray(rules)) return [invalid('rules', rules, 'must be a list')];
  (rules ?? []).forEach((r, i) => {
    const p = `rules[${i}]`;
    if (!r || !Array.isArray(r.verbs) || r.verbs.length === 0) errs.push(required(`${p}.verbs`, 'verbs must contain at least one value'));
    const nonResource = r?.nonResourceURLs ?? [];
    if (nonResource.length > 0) {
      if (namespaced) {
        errs.push(invalid(`${p}.nonResourceURLs`, nonResource, 'namespaced rules cannot apply to non-resource URLs'));
      }
      if ((r.apiGroups ?? []).length > 0 || (r.resources ?? []).length > 0 || (r.resourceNames ?? []).length > 0) {
        errs.push(invalid(`${p}.nonResourceURLs`, nonResource, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if ((r?.apiGroups ?? []).length === 0) errs.push(required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if ((r?.resources ?? []).length === 0) errs.push(required(`${p}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

/** ValidateRoleBinding / ValidateClusterRoleBinding. */
export function validateBinding(b: RoleBinding, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = b.roleRef;
  if (!ref || typeof ref !== 'object') return [required('roleRef', '')];
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name', ''));
  (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, `subjects[${i}]`, namespaced)));
  return errs;
}

function validateSubject(s: Subject, p: string, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!s?.name) errs.push(required(`${p}.name`, ''));
  switch (s?.kind) {
    case 'ServiceAccount':
      if (s.apiGroup) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${p}.namespace`, ''));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${p}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${p}.kind`, s?.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** roleRef may not change (ValidateRoleBindingUpdate). */
export function validateBindingUpdate(next: RoleBinding, old: RoleBinding): FieldError[] {
  const a = next.roleRef;
  const b = old.roleRef;
  if (a?.apiGroup !== b?.apiGroup || a?.kind !== b?.kind || a?.name !== b?.name) {
    return [invalid('roleRef', a, 'cannot change roleRef')];
  }
  return [];
}
