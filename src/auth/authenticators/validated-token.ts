import type { ServiceAccountInfo } from '../../registry/service-account-info.js';

/**
 * What a validator learned of a token: who it is (with its credential id) and what a cached
 * review of it depends on, so that nothing reads the payload again after validation.
 */
export interface ValidatedToken {
  info: ServiceAccountInfo;
  /** `exp` in Unix seconds (undefined for legacy tokens, which never expire) */
  exp: number | undefined;
  /** `kubernetes.io.warnafter` of extended tokens */
  warnAfter: number | undefined;
  /** the UID of the object the token is bound to (pod, secret, or node when node-bound) */
  boundUid: string | undefined;
  /** `sub` as presented */
  sub: string;
}
