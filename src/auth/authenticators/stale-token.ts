/** The audit annotation key kube-apiserver sets on a request made with a stale token. */
export const STALE_TOKEN_ANNOTATION = 'authentication.k8s.io/stale-token';

/**
 * The annotation's value as pkg/serviceaccount/claims.go writes it.
 * @example
 * staleTokenAnnotation('system:serviceaccount:default:app', 120);
 * // 'subject: system:serviceaccount:default:app, seconds after warning threshold: 120'
 */
export function staleTokenAnnotation(sub: string, secondsAfterWarning: number): string {
  return `subject: ${sub}, seconds after warning threshold: ${secondsAfterWarning}`;
}

/** The audit annotations of a review of a token past its `warnafter` (none otherwise). */
export function staleTokenAnnotations(sub: string, warnAfter: number | undefined, nowSeconds: number): Record<string, string> | undefined {
  if (!warnAfter || nowSeconds <= warnAfter) return undefined;
  return { [STALE_TOKEN_ANNOTATION]: staleTokenAnnotation(sub, nowSeconds - warnAfter) };
}
