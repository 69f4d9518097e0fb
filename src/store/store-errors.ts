import { StoreError } from './types.js';

/**
 * The errors both stores raise, with one wording (modelled on the etcd3 storage layer's
 * `key not found`, `key exists` and `resource version conflicts`,
 * k8s.io/apiserver/pkg/storage/errors.go).
 * @example
 * throw storeErrors.notFound('/registry/pods/ns/a'); // StoreError code 'NotFound'
 */
export const storeErrors = {
  notFound: (key: string) => new StoreError('NotFound', `key not found: ${key}`),
  alreadyExists: (key: string) => new StoreError('AlreadyExists', `key exists: ${key}`),
  conflict: (key: string, actual: string, expected: string) =>
    new StoreError('Conflict', `resource version conflicts: ${key} is at ${actual}, expected ${expected}`),
  closed: () => new StoreError('Unavailable', 'the store is closed'),
};

/**
 * Checks a write's precondition against the stored resourceVersion (`undefined` when absent):
 * NotFound when absent, Conflict when `expected` is given and differs.
 * @example
 * checkExpected('/registry/pods/ns/a', '7', '7'); // passes
 * checkExpected('/registry/pods/ns/a', '8', '7'); // throws StoreError('Conflict', ...)
 */
export function checkExpected(key: string, actual: string | undefined, expected: string | undefined): void {
  if (actual === undefined) throw storeErrors.notFound(key);
  if (expected !== undefined && actual !== expected) throw storeErrors.conflict(key, actual, expected);
}
