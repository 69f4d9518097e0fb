import { podCondition } from '../registry/pod-conditions.js';
import type { KubeObject } from '../registry/types.js';

/**
 * What controllers read of a pod's state (pkg/api/v1/pod/util.go, pkg/controller/controller_utils.go).
 */

export function podPhase(pod: KubeObject): string {
  const status = pod.status as { phase?: unknown } | undefined;
  return typeof status?.phase === 'string' ? status.phase : '';
}

/** `IsPodReady`: the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod.status, 'Ready')?.status === 'True';
}

/**
 * `IsPodAvailable`: ready for at least `minReadySeconds` (its Ready condition's last transition
 * that long before `now`).
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  const ready = podCondition(pod.status, 'Ready');
  if (ready?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
}

/**
 * When a ready pod becomes available (its Ready transition plus `minReadySeconds`), or undefined
 * when it is not ready or already available at `now`; controllers requeue themselves then.
 */
export function availableAt(pod: KubeObject, minReadySeconds: number, now: number): number | undefined {
  const ready = podCondition(pod.status, 'Ready');
  if (ready?.status !== 'True' || !minReadySeconds || !ready.lastTransitionTime) return undefined;
  const at = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000;
  return at > now ? at : undefined;
}

/** `IsPodTerminal`: Succeeded or Failed. */
export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

/** `FilterActivePods`' test: not terminal and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}
