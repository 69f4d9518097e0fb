/**
 * What a TokenFault's action needs known below the kind (registry/types.ts's
 * TokenReviewAuthenticator, the token service, the authenticators, the audit): its targets and
 * actions, the annotation it leaves, and the reporter told when one acts. No imports, so that
 * registry/types.ts can name the reporter without a cycle.
 */

export const FAULT_TARGETS = ['review', 'issue', 'jwks'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

export const FAULT_ACTIONS = ['reject', 'error', 'delay', 'expire'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/** The audit annotation on every event a fault changed; several faults are joined with commas. */
export const FAULT_ANNOTATION = 'testing.satoken.dev/fault';

/** A fault that acted on a request: what the request's handling does with it, and who is told. */
export interface AppliedFault {
  readonly name: string;
  readonly target: FaultTarget;
  readonly action: FaultAction;
  readonly reason: string | undefined;
  readonly code: number;
  readonly delayMs: number;
}

/**
 * Told of each fault that acts on a request: the HTTP layer annotates the request's audit event
 * (`testing.satoken.dev/fault: <name>`, api/fault-annotations.ts), an in-process request its own
 * event (audit/in-process.ts), a TokenReview its annotations (registry/token-review.ts).
 */
export type FaultReporter = (fault: AppliedFault) => void;
