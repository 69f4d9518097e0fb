/**
 * Service-account usernames as staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go
 * makes and splits them: `system:serviceaccount:<namespace>:<name>`.
 */
import { isDns1123Label, isDns1123Subdomain } from '../util/name-validation.js';

export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';

/**
 * `MakeUsername`.
 * @example
 * serviceAccountUsername('default', 'build-robot'); // 'system:serviceaccount:default:build-robot'
 */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
}

/**
 * `SplitUsername`: `[namespace, name]` of a well-formed service-account username (the prefix,
 * then exactly two parts, a namespace that is a DNS-1123 label and a name that is a DNS-1123
 * subdomain), else undefined.
 * @example
 * splitServiceAccountUsername('system:serviceaccount:default:build-robot'); // ['default', 'build-robot']
 * splitServiceAccountUsername('system:serviceaccount:Default:x'); // undefined
 */
export function splitServiceAccountUsername(username: string): [namespace: string, name: string] | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (!isDns1123Label(namespace) || !isDns1123Subdomain(name)) return undefined;
  return [namespace, name];
}
