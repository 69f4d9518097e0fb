import { isStatusError } from '../errors/index.js';
import type { TokenObjectGetter } from './token-object-getter.js';
import { kindInfo } from './kinds.js';
import type { ObjectRegistry } from './object-registry.js';

const SERVICE_ACCOUNT = kindInfo('ServiceAccount')!;
const POD = kindInfo('Pod')!;
const SECRET = kindInfo('Secret')!;
const NODE = kindInfo('Node')!;

/**
 * The registry as the token code's object getter (informer-cache reads, as kube-apiserver's
 * `ServiceAccountTokenGetter` reads its informers).
 * - On a shared store (replicas on etcd), an object the cache does not hold is read from the
 *   store, as kube-apiserver's getter falls back to a live GET when its lister misses
 *   (pkg/controller/serviceaccount/tokengetter.go): a token issued on one replica for a service
 *   account created there a moment ago is valid on the others at once, not after their watch
 *   brings the object.
 * - IMPORTANT: while the store's watch is broken (etcd), it never answers from the cache, since a
 *   deletion may be missing from it: it reads the store instead, and fails if the store cannot be
 *   read. auth/authenticators/service-account-tokens.ts bypasses the review cache then too.
 * @example
 * const getter = registryGetter(objects);
 * await getter.getServiceAccount('default', 'build-robot');
 */
export function registryGetter(registry: ObjectRegistry): TokenObjectGetter {
  const get = <T>(info: typeof POD, ns: string | undefined, name: string): T | Promise<T> => {
    if (!registry.inSync()) return registry.getLive(info, ns, name) as Promise<T>;
    try {
      return registry.get(info, ns, name) as T;
    } catch (e) {
      if (registry.sharedStore() && isStatusError(e) && e.code === 404) return registry.getLive(info, ns, name) as Promise<T>;
      throw e;
    }
  };
  return {
    getServiceAccount: (ns, name) => get(SERVICE_ACCOUNT, ns, name),
    getPod: (ns, name) => get(POD, ns, name),
    getSecret: (ns, name) => get(SECRET, ns, name),
    getNode: (name) => get(NODE, undefined, name),
  };
}
