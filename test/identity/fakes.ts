import type { ServiceAccountGetter } from '../../src/identity/webhooks/service-accounts.js';
import type { ServiceAccount } from '../../src/registry/types.js';

/** A service-account getter over a fixed list that records each look-up as `namespace/name`. */
export function countingServiceAccounts(list: ServiceAccount[]): ServiceAccountGetter & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    get(namespace, name) {
      calls.push(`${namespace}/${name}`);
      return list.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
    },
  };
}
