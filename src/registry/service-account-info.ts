import type { UserInfo } from './types.js';
import { serviceAccountUsername } from '../tokens/service-account-username.js';

/** What a validated service-account token says about its bearer (apiserver serviceaccount/util.go). */
export interface ServiceAccountInfo {
  name: string;
  namespace: string;
  uid: string;
  podName?: string;
  podUID?: string;
  credentialID?: string;
  nodeName?: string;
  nodeUID?: string;
}

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';

/**
 * ServiceAccountInfo.UserInfo, plus the `system:authenticated` group the request chain adds.
 * @example
 * userInfoOf({ name: 'default', namespace: 'default', uid: 'e6a8…' }).groups
 * // ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']
 */
export function userInfoOf(sa: ServiceAccountInfo): Required<UserInfo> {
  const extra: Record<string, string[]> = {};
  if (sa.credentialID) extra[EXTRA_CREDENTIAL_ID] = [sa.credentialID];
  if (sa.nodeName) {
    extra[EXTRA_NODE_NAME] = [sa.nodeName];
    if (sa.nodeUID) extra[EXTRA_NODE_UID] = [sa.nodeUID];
  }
  if (sa.podName && sa.podUID) {
    extra[EXTRA_POD_NAME] = [sa.podName];
    extra[EXTRA_POD_UID] = [sa.podUID];
  }
  return {
    username: serviceAccountUsername(sa.namespace, sa.name),
    uid: sa.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'],
    extra,
  };
}
