import { rfc3339 } from '../clock/index.js';

/** A pod's status condition as the API writes it (lastProbeTime is always present, often null). */
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

/**
 * `podutil.UpdatePodCondition` (pkg/api/v1/pod/util.go): adds the condition, or replaces the one
 * of its type, keeping `lastTransitionTime` when the status did not change. The condition's
 * members are written in PodCondition's order (type, observedGeneration, status, lastProbeTime,
 * lastTransitionTime, reason, message). Returns whether anything changed.
 * @example
 * const status = { phase: 'Pending' };
 * setPodCondition(status, { type: 'PodScheduled', status: 'True' }, clock.now()); // true
 */
export function setPodCondition(status: Record<string, unknown>, condition: PodCondition, now: number): boolean {
  const list = Array.isArray(status.conditions) ? (status.conditions as PodCondition[]) : [];
  const i = list.findIndex((c) => c?.type === condition.type);
  const old = i >= 0 ? list[i] : undefined;
  const transition = old && old.status === condition.status ? (old.lastTransitionTime ?? null) : rfc3339(now);
  const next = { type: condition.type } as PodCondition;
  if (condition.observedGeneration !== undefined) next.observedGeneration = condition.observedGeneration;
  next.status = condition.status;
  next.lastProbeTime = condition.lastProbeTime ?? null;
  next.lastTransitionTime = transition;
  if (condition.reason) next.reason = condition.reason;
  if (condition.message) next.message = condition.message;
  const same =
    !!old &&
    old.status === next.status &&
    (old.reason ?? '') === (next.reason ?? '') &&
    (old.message ?? '') === (next.message ?? '') &&
    (old.lastProbeTime ?? null) === next.lastProbeTime &&
    (old.lastTransitionTime ?? null) === next.lastTransitionTime;
  if (same) return false;
  const out = [...list];
  if (i >= 0) out[i] = next;
  else out.push(next);
  status.conditions = out;
  return true;
}

/**
 * The condition of `type` in a status, if any.
 * @example
 * podCondition(pod.status, 'Ready')?.status; // 'True'
 */
export function podCondition(status: unknown, type: string): PodCondition | undefined {
  const list = status && typeof status === 'object' ? (status as { conditions?: unknown }).conditions : undefined;
  return Array.isArray(list) ? (list as PodCondition[]).find((c) => c?.type === type) : undefined;
}
