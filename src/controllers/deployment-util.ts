import { rfc3339 } from '../clock/index.js';
import { semanticEqual } from '../registry/semantic-equal.js';
import type { KubeObject } from '../registry/types.js';
import { scaledValue } from './int-or-percent.js';
import type { PodTemplate } from './pod-template.js';

/**
 * The pure parts of the Deployment controller (pkg/controller/deployment/util/deployment_util.go):
 * fenceposts, revisions and their annotations, conditions, replica counts and status.
 */

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** annotations a Deployment does not pass on to its ReplicaSets */
const NOT_COPIED = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);
const MAX_REV_HISTORY_CHARS = 2000;
const MAX_INT32 = 2147483647;

export const REASON = {
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
  newRS: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
} as const;

export interface DeploymentSpec {
  replicas?: number;
  selector?: unknown;
  template?: PodTemplate;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export const specOf = (d: KubeObject): DeploymentSpec => (d.spec ?? {}) as DeploymentSpec;
export const replicasOf = (o: KubeObject): number => (o.spec as { replicas?: number } | undefined)?.replicas ?? 0;
const statusNum = (o: KubeObject, k: string): number => ((o.status as Record<string, unknown> | undefined)?.[k] as number | undefined) ?? 0;
export const rsStatusReplicas = (rs: KubeObject) => statusNum(rs, 'replicas');
export const rsAvailable = (rs: KubeObject) => statusNum(rs, 'availableReplicas');

export function isRollingUpdate(d: KubeObject): boolean {
  return specOf(d).strategy?.type === 'RollingUpdate';
}

/** `ResolveFenceposts`: surge rounded up, unavailability rounded down, never both zero. */
export function resolveFenceposts(d: KubeObject): { surge: number; unavailable: number } {
  const ru = specOf(d).strategy?.rollingUpdate ?? {};
  const desired = specOf(d).replicas ?? 1;
  const surge = scaledValue(ru.maxSurge ?? '25%', desired, true) ?? 0;
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', desired, false) ?? 0;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: KubeObject): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: KubeObject): number {
  const desired = specOf(d).replicas ?? 1;
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

export function hasProgressDeadline(d: KubeObject): boolean {
  const p = specOf(d).progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== MAX_INT32;
}

/** The revision a ReplicaSet carries (0 when it has none). */
export function revisionOf(o: KubeObject): number {
  const n = Number(o.metadata.annotations?.[REVISION] ?? '');
  return Number.isSafeInteger(n) ? n : 0;
}

export function byCreation(a: KubeObject, b: KubeObject): number {
  const x = a.metadata.creationTimestamp ?? '';
  const y = b.metadata.creationTimestamp ?? '';
  if (x !== y) return x < y ? -1 : 1;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/** `FindNewReplicaSet`: the oldest ReplicaSet whose template is the Deployment's (hash label aside). */
export function findNewReplicaSet(d: KubeObject, rsList: readonly KubeObject[], equal: (a: PodTemplate | undefined, b: PodTemplate | undefined) => boolean): KubeObject | undefined {
  return [...rsList].sort(byCreation).find((rs) => equal((rs.spec as { template?: PodTemplate } | undefined)?.template, specOf(d).template));
}

/** `SetReplicasAnnotations`: desired-replicas and max-replicas; whether they changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) {
    a[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS] !== String(max)) {
    a[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/**
 * `SetNewReplicaSetAnnotations`: the Deployment's annotations (but its own bookkeeping ones),
 * the revision when it grows (the previous one kept in revision-history, as a rollback does),
 * and on a ReplicaSet about to be created the replica annotations. Whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const had = a[REVISION];
  const old = had === undefined ? 0 : Number(had);
  if (had !== undefined && !Number.isSafeInteger(old)) return changed;
  if (old < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (had !== undefined) {
      const history = a[REVISION_HISTORY] ?? '';
      if (!history) a[REVISION_HISTORY] = had;
      else {
        let parts = history.split(',');
        let total = history.length + had.length + 1;
        while (total > MAX_REV_HISTORY_CHARS && parts.length) {
          total -= parts[0]!.length + 1;
          parts = parts.slice(1);
        }
        if (total <= MAX_REV_HISTORY_CHARS) a[REVISION_HISTORY] = [...parts, had].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, specOf(d).replicas ?? 1, (specOf(d).replicas ?? 1) + maxSurge(d))) changed = true;
  return changed;
}

export function newCondition(type: string, status: string, reason: string, message: string, now: number): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(s: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return s.conditions?.find((c) => c.type === type);
}

/** `SetDeploymentCondition`: no change for the same status and reason; the transition time kept for the same status; appended last. */
export function setCondition(s: DeploymentStatus, c: DeploymentCondition): void {
  const current = getCondition(s, c.type);
  if (current && current.status === c.status && current.reason === c.reason) return;
  const next = current && current.status === c.status ? { ...c, lastTransitionTime: current.lastTransitionTime } : c;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(s: DeploymentStatus, type: string): void {
  s.conditions = (s.conditions ?? []).filter((c) => c.type !== type);
}

/** The ReplicaSets' counters summed (`GetReplicaCountForReplicaSets` over spec, the others over status). */
export const sumSpecReplicas = (rss: readonly KubeObject[]) => rss.reduce((n, rs) => n + replicasOf(rs), 0);
const sumStatus = (rss: readonly KubeObject[], k: string) => rss.reduce((n, rs) => n + statusNum(rs, k), 0);

/**
 * `calculateStatus`: counts over the ReplicaSets, the Available condition from maxUnavailable.
 * Members in DeploymentStatus' order, the zero counters omitted as Go's `omitempty` does.
 */
export function calculateStatus(allRSs: readonly KubeObject[], newRS: KubeObject | undefined, d: KubeObject, now: number): DeploymentStatus {
  const available = sumStatus(allRSs, 'availableReplicas');
  const total = sumSpecReplicas(allRSs);
  const old = (d.status ?? {}) as DeploymentStatus;
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sumStatus(allRSs, 'replicas'),
    updatedReplicas: newRS ? statusNum(newRS, 'replicas') : 0,
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: [...(old.conditions ?? [])],
  };
  if (old.collisionCount !== undefined) status.collisionCount = old.collisionCount;
  const desired = specOf(d).replicas ?? 1;
  if (available >= desired - maxUnavailable(d)) setCondition(status, newCondition('Available', 'True', REASON.minimumAvailable, 'Deployment has minimum availability.', now));
  else setCondition(status, newCondition('Available', 'False', REASON.minimumUnavailable, 'Deployment does not have minimum availability.', now));
  return status;
}

/** The status as stored: zero counters and empty lists omitted, members in Go's order. */
export function statusJson(s: DeploymentStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'conditions', 'collisionCount'] as const) {
    const v = s[k];
    if (k === 'collisionCount' ? v !== undefined : Array.isArray(v) ? v.length > 0 : !!v) out[k] = v;
  }
  return out;
}

/** `DeploymentComplete`: every replica updated and available, the latest generation observed. */
export function deploymentComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const want = specOf(d).replicas ?? 1;
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** `DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones, than before. */
export function deploymentProgressing(d: KubeObject, s: DeploymentStatus): boolean {
  const o = (d.status ?? {}) as DeploymentStatus;
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** `DeploymentTimedOut`: the Progressing condition was last updated longer than the deadline ago. */
export function deploymentTimedOut(d: KubeObject, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === REASON.newRSAvailable) return false;
  if (c.reason === REASON.timedOut) return true;
  return Date.parse(c.lastUpdateTime) + (specOf(d).progressDeadlineSeconds ?? 600) * 1000 < now;
}

/** `GetReplicaSetProportion`: the share of a proportional scale a ReplicaSet takes. */
export function replicaSetProportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  const replicas = replicasOf(rs);
  if (replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: KubeObject, d: KubeObject): number {
  const desired = specOf(d).replicas ?? 1;
  if (desired === 0) return -replicasOf(rs);
  const max = desired + maxSurge(d);
  let before = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? '');
  if (!Number.isSafeInteger(before) || before === 0) before = ((d.status ?? {}) as DeploymentStatus).replicas ?? 0;
  if (before === 0) return 0;
  return Math.round((replicasOf(rs) * max) / before) - replicasOf(rs);
}

/** Whether two statuses are the same (Go's reflect.DeepEqual on what the controller computed). */
export function sameStatus(a: unknown, b: unknown): boolean {
  return semanticEqual(a, b);
}

