import { errors, invalid, required } from '../errors/index.js';
import type { ResourceInfo } from '../registry/kinds.js';
import type { KubeObject } from '../registry/types.js';
import { type AWSRole, type AzureFederatedCredential, TRUST_RESOURCES, TRUST_STRATEGIES } from '../registry/kinds/trust.js';

/** What the token exchanges read: the trust rules declared now (read at each exchange). */
export interface TrustRules {
  awsRoles(): readonly AWSRole[];
  azureCredentials(): readonly AzureFederatedCredential[];
}

const [AWS_ROLES, AZURE_CREDENTIALS] = TRUST_RESOURCES as [ResourceInfo, ResourceInfo];

/**
 * Trust rules read from the registry's cache (the served `testing.satoken.dev` kinds).
 * @example
 * const rules = registryTrustRules(emulator.registry);
 */
export function registryTrustRules(registry: { list(info: ResourceInfo, namespace: string | undefined): { items: KubeObject[] } }): TrustRules {
  return {
    awsRoles: () => registry.list(AWS_ROLES, undefined).items as AWSRole[],
    azureCredentials: () => registry.list(AZURE_CREDENTIALS, undefined).items as AzureFederatedCredential[],
  };
}

/**
 * Trust rules from objects given up front (a library option, or a test), defaulted and validated
 * as the registry would; an invalid one throws the registry's 422 Status error.
 * @example
 * const rules = staticTrustRules([{ apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AWSRole', metadata: { name: 'r' }, spec: { … } }]);
 */
export function staticTrustRules(objects: readonly KubeObject[]): TrustRules {
  const roles: AWSRole[] = [];
  const credentials: AzureFederatedCredential[] = [];
  for (const input of objects) {
    const obj = structuredClone(input);
    const strategy = obj.kind ? TRUST_STRATEGIES[obj.kind] : undefined;
    if (!strategy) throw errors.badRequest(`no kind "${obj.kind ?? ''}" is registered for version "testing.satoken.dev/v1alpha1"`);
    strategy.defaults?.(obj);
    const name = obj.metadata?.name ?? '';
    const errs = [...(name === '' ? [required('metadata.name', 'name or generateName is required')] : strategy.nameValidator(name).map((m) => invalid('metadata.name', name, m))), ...(strategy.validate?.(obj) ?? [])];
    if (errs.length) throw errors.invalid(obj.kind!, name, errs, 'testing.satoken.dev');
    if (obj.kind === 'AWSRole') roles.push(obj as AWSRole);
    else credentials.push(obj as AzureFederatedCredential);
  }
  return { awsRoles: () => roles, azureCredentials: () => credentials };
}
