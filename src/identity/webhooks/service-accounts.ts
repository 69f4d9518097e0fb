import { kindInfo } from '../../registry/kinds.js';
import type { KubeObject, ServiceAccount } from '../../registry/types.js';

/**
 * What the identity webhooks read of the cluster: a service account by namespace and name (the
 * webhooks' informer caches; read-only).
 */
export interface ServiceAccountGetter {
  get(namespace: string, name: string): ServiceAccount | undefined;
}

/**
 * A {@link ServiceAccountGetter} over the registry's watch cache.
 * @example
 * const serviceAccounts = registryServiceAccounts(emulator.registry);
 */
export function registryServiceAccounts(registry: { peek(info: NonNullable<ReturnType<typeof kindInfo>>, namespace: string | undefined, name: string): KubeObject | undefined }): ServiceAccountGetter {
  const info = kindInfo('ServiceAccount')!;
  return { get: (namespace, name) => registry.peek(info, namespace, name) as ServiceAccount | undefined };
}
