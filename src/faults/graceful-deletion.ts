import type { GracefulDeletion } from '../registry/object-registry.js';
import type { Pod } from '../registry/types.js';

/** `terminationGracePeriodSeconds` when a pod does not say (pkg/apis/core/v1 defaults). */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

/**
 * Pods' `CheckGracefulDelete` (pkg/registry/core/pod/strategy.go), the one kind Kubernetes
 * deletes gracefully:
 * - the grace period is DeleteOptions.gracePeriodSeconds when given, else the pod's
 *   `terminationGracePeriodSeconds` (30 by default);
 * - a pod not scheduled to a node (`spec.nodeName` empty) goes at once: no kubelet runs it;
 * - a pod that has finished (phase Succeeded or Failed) goes at once.
 * Other kinds are deleted at once.
 * @example
 * new ObjectRegistry({ store, clock, gracefulDeletion: podGracefulDeletion });
 */
export const podGracefulDeletion: GracefulDeletion = (info, obj, requested) => {
  if (info.kind !== 'Pod' || info.group !== '') return undefined;
  const pod = obj as Pod;
  if (!pod.spec?.nodeName) return 0;
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  if (requested !== undefined) return requested;
  const declared = (pod.spec as { terminationGracePeriodSeconds?: unknown }).terminationGracePeriodSeconds;
  return typeof declared === 'number' && Number.isInteger(declared) && declared >= 0 ? declared : DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
};
