/**
 * When a token stops working after its objects go (`serve --revocation`, the library's
 * `revocation` option):
 * - `immediate` (default): satoken's promise. Deleting a pod, secret, node or service account
 *   deletes it at once, and its tokens are refused before the delete call returns, on every
 *   replica (the review caches drop them too).
 * - `kubernetes`: kube-apiserver's timing, for tests of what a consumer sees in a real cluster:
 *   a pod on a node is deleted gracefully (`deletionTimestamp` = now + its grace period, removed
 *   when the kubelet confirms; a pod without a node goes at once); a token stays valid while its
 *   object exists and until 60 s after that object's `deletionTimestamp` (the validator's
 *   leeway, pkg/serviceaccount/claims.go); and each replica serves a successful review from its
 *   10 s cache without checking the objects again (`TokenSuccessCacheTTL`).
 */
export const REVOCATION_MODES = ['immediate', 'kubernetes'] as const;
export type RevocationMode = (typeof REVOCATION_MODES)[number];

/**
 * Reads a revocation mode, or throws a TypeError naming the choices.
 * @example
 * parseRevocationMode('kubernetes'); // 'kubernetes'
 */
export function parseRevocationMode(v: unknown): RevocationMode {
  if (v === undefined) return 'immediate';
  if (typeof v === 'string' && (REVOCATION_MODES as readonly string[]).includes(v)) return v as RevocationMode;
  throw new TypeError(`revocation must be one of ${REVOCATION_MODES.map((m) => JSON.stringify(m)).join(', ')}, got ${JSON.stringify(v)}`);
}
