import { isStatusError } from '../errors/index.js';
import { kindInfo } from '../registry/kinds.js';
import type { RegistryEvent } from '../registry/object-registry.js';
import type { KubeObject } from '../registry/types.js';
import { selectorFrom, selectorMatches } from '../registry/validation/label-selector.js';
import { claimObjects, controllerRefOf, newControllerRef } from './controller-ref.js';
import {
  byCreation,
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  type DeploymentStatus,
  findNewReplicaSet,
  getCondition,
  hasProgressDeadline,
  isRollingUpdate,
  maxSurge,
  maxUnavailable,
  newCondition,
  REASON,
  removeCondition,
  replicaSetProportion,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  revisionOf,
  REVISION,
  rsAvailable,
  rsStatusReplicas,
  sameStatus,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specOf,
  statusJson,
  sumSpecReplicas,
  DESIRED_REPLICAS,
} from './deployment-util.js';
import { isPodTerminal } from './pod-readiness.js';
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH } from './pod-template.js';
import { WorkloadController, type WorkloadControllerOptions } from './workload-controller.js';

const DEPLOY = kindInfo('Deployment')!;
const RS = kindInfo('ReplicaSet')!;
const POD = kindInfo('Pod')!;

/**
 * The Deployment controller (pkg/controller/deployment): Deployment → ReplicaSets.
 * `syncDeployment`, in its order:
 * - a selector that selects everything is refused (SelectingAll event; only observedGeneration moves);
 * - ReplicaSets are claimed (adopted and released by selector, as ControllerRefManager does);
 * - a Deployment being deleted only has its status synced; a paused one gets the
 *   DeploymentPaused/DeploymentResumed condition and is only scaled;
 * - a change of `spec.replicas` alone (a ReplicaSet's desired-replicas annotation differs) scales
 *   the ReplicaSets proportionally;
 * - otherwise a rollout: the new ReplicaSet (template equal to the Deployment's, the
 *   pod-template-hash label aside) is found or created as `<deployment>-<hash>` with the hash in
 *   its labels and selector, the revision annotation max+1, the Deployment's annotations;
 *   RollingUpdate scales it up within maxSurge and the old ones down within maxUnavailable
 *   (unhealthy replicas first); Recreate scales the old ones to zero, waits for their pods to
 *   go, then scales the new one up;
 * - once complete, old ReplicaSets beyond `revisionHistoryLimit` are deleted (oldest revisions first);
 * - status: observedGeneration, the replica counters, Available (MinimumReplicasAvailable) and
 *   Progressing (NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated,
 *   NewReplicaSetAvailable, ProgressDeadlineExceeded) with Kubernetes' messages, and a requeue
 *   at the progress deadline.
 * The hash has Kubernetes' shape but not its value (pod-template.ts `computeHash`).
 */
export class DeploymentController extends WorkloadController {
  readonly name = 'deployment-controller';

  constructor(o: WorkloadControllerOptions) {
    super(o, 'deployment-controller');
  }

  protected initialKeys(): string[] {
    return this.registry.list(DEPLOY, undefined).items.map((d) => this.keyOf(d));
  }

  protected keysFor(e: RegistryEvent): string[] {
    if (e.resource === DEPLOY) return [this.keyOf(e.object)];
    if (e.resource === RS) {
      const keys = new Set<string>();
      for (const rs of [e.object, e.old]) {
        if (!rs) continue;
        const ref = controllerRefOf(rs);
        if (ref) {
          if (ref.kind === 'Deployment' && ref.apiVersion === 'apps/v1') keys.add(`${rs.metadata.namespace}/${ref.name}`);
        } else if (e.type !== 'DELETED') {
          for (const d of this.selecting(rs)) keys.add(this.keyOf(d));
        }
      }
      return [...keys];
    }
    // a Recreate rollout waits for the old pods to go
    if (e.resource === POD && e.type === 'DELETED') {
      const ref = controllerRefOf(e.object);
      const rs = ref?.kind === 'ReplicaSet' ? this.registry.peek(RS, e.object.metadata.namespace, ref.name) : undefined;
      const dref = rs && controllerRefOf(rs);
      if (dref?.kind === 'Deployment') return [`${rs!.metadata.namespace}/${dref.name}`];
    }
    return [];
  }

  private selecting(rs: KubeObject): KubeObject[] {
    return this.registry.list(DEPLOY, rs.metadata.namespace).items.filter((d) => {
      const sel = selectorFrom(specOf(d).selector);
      return !!sel && sel.kind !== 'everything' && selectorMatches(sel, rs.metadata.labels);
    });
  }

  protected async reconcile(key: string): Promise<void> {
    const [ns, name] = this.splitKey(key);
    const stored = this.registry.peek(DEPLOY, ns, name);
    if (!stored) return;
    const d = structuredClone(stored);
    const selector = selectorFrom(specOf(d).selector);
    if (!selector) return;
    if (selector.kind === 'everything') {
      this.events.warning(d, DEPLOY, 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      const status = (d.status ?? {}) as DeploymentStatus;
      if ((status.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await this.writeStatus(DEPLOY, stored, { ...status, observedGeneration: d.metadata.generation });
      return;
    }
    const candidates = this.registry.list(RS, ns).items;
    const rsList = await claimObjects(this.registry, d, DEPLOY, RS, (rs) => selectorMatches(selector, rs.metadata.labels), candidates);
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    await this.checkPausedConditions(d);
    if (specOf(d).paused) return this.sync(d, rsList);
    if (this.isScalingEvent(d, rsList)) return this.sync(d, rsList);
    if (specOf(d).strategy?.type === 'Recreate') return this.rolloutRecreate(d, rsList);
    return this.rolloutRolling(d, rsList);
  }

  /** The current object of a ReplicaSet written meanwhile (the cache has every write already). */
  private fresh(rs: KubeObject): KubeObject {
    return this.registry.peek(RS, rs.metadata.namespace, rs.metadata.name ?? '') ?? rs;
  }

  private oldReplicaSets(rsList: readonly KubeObject[], newRS: KubeObject | undefined): KubeObject[] {
    return rsList.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid).map((rs) => this.fresh(rs));
  }

  /**
   * `getAllReplicaSetsAndSyncRevision` / `getNewReplicaSet`: the new ReplicaSet (created when
   * asked and missing), its revision and annotations synced, and the old ones.
   */
  private async newAndOld(d: KubeObject, rsList: readonly KubeObject[], create: boolean): Promise<{ newRS: KubeObject | undefined; oldRSs: KubeObject[] }> {
    const existing = findNewReplicaSet(d, rsList, equalIgnoreHash);
    const oldRSs = this.oldReplicaSets(rsList, existing);
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    if (existing) {
      const rs = structuredClone(this.fresh(existing));
      const changed = setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReady = specOf(d).minReadySeconds ?? 0;
      const spec = rs.spec as { minReadySeconds?: number };
      if (changed || (spec.minReadySeconds ?? 0) !== minReady) {
        if (minReady) spec.minReadySeconds = minReady;
        else delete spec.minReadySeconds;
        return { newRS: await this.registry.update(RS, rs.metadata.namespace ?? '', rs.metadata.name ?? '', rs), oldRSs };
      }
      const status = structuredClone((d.status ?? {}) as DeploymentStatus);
      const annotations = this.withRevision(d, rs.metadata.annotations?.[REVISION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
        setCondition(status, newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${rs.metadata.name}"`, this.clock.now()));
      }
      await this.saveStatus(d, status, annotations);
      return { newRS: rs, oldRSs };
    }
    if (!create) return { newRS: undefined, oldRSs };
    const status = structuredClone((d.status ?? {}) as DeploymentStatus);
    const template = structuredClone(specOf(d).template ?? {});
    const hash = computeHash(template, status.collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(specOf(d).selector ?? {}) as { matchLabels?: Record<string, string> };
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace ?? '', labels: { ...(template.metadata.labels ?? {}) }, ownerReferences: [newControllerRef(d, DEPLOY)] },
      spec: { replicas: 0, ...(specOf(d).minReadySeconds ? { minReadySeconds: specOf(d).minReadySeconds } : {}), selector, template },
    };
    (rs.spec as { replicas: number }).replicas = this.newRSNewReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: KubeObject;
    let alreadyExisted = false;
    try {
      created = await this.registry.create(RS, d.metadata.namespace ?? '', rs);
    } catch (e) {
      if (isStatusError(e) && e.reason === 'AlreadyExists') {
        const found = this.registry.peek(RS, d.metadata.namespace, rs.metadata.name ?? '');
        if (found && controllerRefOf(found)?.uid === d.metadata.uid && equalIgnoreHash((found.spec as { template?: never }).template, specOf(d).template)) {
          created = found;
          alreadyExisted = true;
        } else {
          // a hash collision: count it and try again with the next hash
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.saveStatus(d, status, undefined);
          throw e;
        }
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${(e as Error).message}`;
        if (hasProgressDeadline(d)) {
          setCondition(status, newCondition('Progressing', 'False', REASON.failedRSCreate, msg, this.clock.now()));
          await this.saveStatus(d, status, undefined);
        }
        this.events.warning(d, DEPLOY, REASON.failedRSCreate, msg);
        throw e;
      }
    }
    const replicas = replicasOf(created);
    if (!alreadyExisted && replicas > 0) this.events.normal(d, DEPLOY, 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    if (!alreadyExisted && hasProgressDeadline(d)) {
      setCondition(status, newCondition('Progressing', 'True', REASON.newRS, `Created new replica set "${created.metadata.name}"`, this.clock.now()));
    }
    await this.saveStatus(d, status, this.withRevision(d, String(newRevision)));
    return { newRS: created, oldRSs };
  }

  /** The Deployment's annotations with `deployment.kubernetes.io/revision` set (`SetDeploymentRevision`). */
  private withRevision(d: KubeObject, revision: string): Record<string, string> {
    return { ...(d.metadata.annotations ?? {}), [REVISION]: revision };
  }

  /** Writes the Deployment's status (and annotations) through `/status`, keeping `d` in step. */
  private async saveStatus(d: KubeObject, status: DeploymentStatus, annotations: Record<string, string> | undefined): Promise<void> {
    const current = this.registry.peek(DEPLOY, d.metadata.namespace, d.metadata.name ?? '');
    if (!current || current.metadata.uid !== d.metadata.uid) return;
    const written = await this.writeStatus(DEPLOY, current, statusJson(status), annotations);
    d.status = written.status;
    d.metadata.annotations = written.metadata.annotations;
    d.metadata.resourceVersion = written.metadata.resourceVersion;
  }

  /** `NewRSNewReplicas`: how far the new ReplicaSet may grow now. */
  private newRSNewReplicas(d: KubeObject, allRSs: readonly KubeObject[], newRS: KubeObject): number {
    const desired = specOf(d).replicas ?? 1;
    if (!isRollingUpdate(d)) return desired;
    const maxTotal = desired + maxSurge(d);
    const current = sumSpecReplicas(allRSs);
    if (current >= maxTotal) return replicasOf(newRS);
    return replicasOf(newRS) + Math.min(maxTotal - current, desired - replicasOf(newRS));
  }

  /** `scaleReplicaSet`: the size and the replica annotations; a ScalingReplicaSet event when the size moved. */
  private async scaleReplicaSet(rs: KubeObject, size: number, d: KubeObject): Promise<{ scaled: boolean; rs: KubeObject }> {
    const current = this.fresh(rs);
    const desired = specOf(d).replicas ?? 1;
    const max = desired + maxSurge(d);
    const sizeChange = replicasOf(current) !== size;
    if (!sizeChange && !replicasAnnotationsNeedUpdate(current, desired, max)) return { scaled: false, rs: current };
    const next = structuredClone(current);
    const from = replicasOf(current);
    (next.spec as { replicas: number }).replicas = size;
    setReplicasAnnotations(next, desired, max);
    const updated = await this.registry.update(RS, next.metadata.namespace ?? '', next.metadata.name ?? '', next);
    if (sizeChange) this.events.normal(d, DEPLOY, 'ScalingReplicaSet', `Scaled ${from < size ? 'up' : 'down'} replica set ${updated.metadata.name} from ${from} to ${size}`);
    return { scaled: sizeChange, rs: updated };
  }

  private async rolloutRolling(d: KubeObject, rsList: KubeObject[]): Promise<void> {
    let { newRS, oldRSs } = await this.newAndOld(d, rsList, true);
    newRS = this.fresh(newRS!);
    const all = () => [...oldRSs.map((r) => this.fresh(r)), this.fresh(newRS!)];
    // scale up, if we can
    const desired = specOf(d).replicas ?? 1;
    if (replicasOf(newRS) !== desired) {
      const target = replicasOf(newRS) > desired ? desired : this.newRSNewReplicas(d, all(), newRS);
      if ((await this.scaleReplicaSet(newRS, target, d)).scaled) return this.syncRolloutStatus(all(), this.fresh(newRS), d);
    }
    // scale down, if we can
    if (await this.reconcileOldReplicaSets(all(), oldRSs.map((r) => this.fresh(r)).filter((r) => replicasOf(r) > 0), this.fresh(newRS), d)) {
      return this.syncRolloutStatus(all(), this.fresh(newRS), d);
    }
    if (deploymentComplete(d, (d.status ?? {}) as DeploymentStatus)) await this.cleanup(oldRSs.map((r) => this.fresh(r)), d);
    oldRSs = oldRSs.filter((r) => this.registry.peek(RS, r.metadata.namespace, r.metadata.name ?? ''));
    return this.syncRolloutStatus(all(), this.fresh(newRS), d);
  }

  /** `reconcileOldReplicaSets`: scale old ReplicaSets down as far as maxUnavailable allows. */
  private async reconcileOldReplicaSets(allRSs: KubeObject[], oldRSs: KubeObject[], newRS: KubeObject, d: KubeObject): Promise<boolean> {
    if (sumSpecReplicas(oldRSs) === 0) return false;
    const desired = specOf(d).replicas ?? 1;
    const minAvailable = desired - maxUnavailable(d);
    const newUnavailable = replicasOf(newRS) - rsAvailable(newRS);
    const maxScaledDown = sumSpecReplicas(allRSs) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // unhealthy replicas first, or they block the rollout (kubernetes#16737)
    let cleaned = 0;
    const sorted = [...oldRSs].sort(byCreation);
    for (let i = 0; i < sorted.length && cleaned < maxScaledDown; i++) {
      const rs = sorted[i]!;
      const unhealthy = replicasOf(rs) - rsAvailable(rs);
      if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
      const n = Math.min(maxScaledDown - cleaned, unhealthy);
      sorted[i] = (await this.scaleReplicaSet(rs, replicasOf(rs) - n, d)).rs;
      cleaned += n;
    }
    // then as many available ones as maxUnavailable allows
    const all = [...sorted, newRS].map((r) => this.fresh(r));
    const available = all.reduce((n, r) => n + rsAvailable(r), 0);
    let scaled = 0;
    if (available > minAvailable) {
      const budget = available - minAvailable;
      for (const rs of sorted.map((r) => this.fresh(r))) {
        if (scaled >= budget) break;
        if (replicasOf(rs) === 0) continue;
        const n = Math.min(replicasOf(rs), budget - scaled);
        await this.scaleReplicaSet(rs, replicasOf(rs) - n, d);
        scaled += n;
      }
    }
    return cleaned + scaled > 0;
  }

  private async rolloutRecreate(d: KubeObject, rsList: KubeObject[]): Promise<void> {
    let { newRS, oldRSs } = await this.newAndOld(d, rsList, false);
    let scaledDown = false;
    for (const rs of oldRSs.filter((r) => replicasOf(r) > 0)) if ((await this.scaleReplicaSet(rs, 0, d)).scaled) scaledDown = true;
    const all = () => [...oldRSs.map((r) => this.fresh(r)), ...(newRS ? [this.fresh(newRS)] : [])];
    if (scaledDown) return this.syncRolloutStatus(all(), newRS && this.fresh(newRS), d);
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(all(), newRS && this.fresh(newRS), d);
    if (!newRS) ({ newRS, oldRSs } = await this.newAndOld(d, rsList, true));
    const desired = specOf(d).replicas ?? 1;
    if (replicasOf(this.fresh(newRS!)) !== desired || replicasAnnotationsNeedUpdate(this.fresh(newRS!), desired, desired)) await this.scaleReplicaSet(newRS!, desired, d);
    if (deploymentComplete(d, (d.status ?? {}) as DeploymentStatus)) await this.cleanup(oldRSs.map((r) => this.fresh(r)), d);
    return this.syncRolloutStatus(all(), this.fresh(newRS!), d);
  }

  /** `oldPodsRunning`: an old ReplicaSet still counts pods, or one of its pods is not terminal. */
  private oldPodsRunning(newRS: KubeObject | undefined, oldRSs: KubeObject[]): boolean {
    if (oldRSs.some((r) => rsStatusReplicas(this.fresh(r)) > 0)) return true;
    const oldUids = new Set(oldRSs.map((r) => r.metadata.uid));
    return this.registry
      .list(POD, oldRSs[0]?.metadata.namespace ?? newRS?.metadata.namespace)
      .items.some((p) => {
        const ref = controllerRefOf(p);
        return !!ref && oldUids.has(ref.uid) && ref.uid !== newRS?.metadata.uid && !isPodTerminal(p);
      });
  }

  /** `isScalingEvent`: an active ReplicaSet's desired-replicas annotation is not the Deployment's replicas. */
  private isScalingEvent(d: KubeObject, rsList: KubeObject[]): boolean {
    const desired = specOf(d).replicas ?? 1;
    return rsList.some((rs) => {
      const a = rs.metadata.annotations?.[DESIRED_REPLICAS];
      return replicasOf(rs) > 0 && a !== undefined && Number(a) !== desired;
    });
  }

  /** `sync`: scaling (proportional across active ReplicaSets), clean-up when paused, status. */
  private async sync(d: KubeObject, rsList: KubeObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOld(d, rsList, false);
    await this.scale(d, newRS && this.fresh(newRS), oldRSs);
    if (specOf(d).paused) await this.cleanup(oldRSs.map((r) => this.fresh(r)), d);
    const all = [...oldRSs, ...(newRS ? [newRS] : [])].map((r) => this.fresh(r)).filter((r) => this.registry.peek(RS, r.metadata.namespace, r.metadata.name ?? ''));
    await this.syncStatus(all, newRS && this.fresh(newRS), d);
  }

  private async scale(d: KubeObject, newRS: KubeObject | undefined, oldRSs: KubeObject[]): Promise<void> {
    const desired = specOf(d).replicas ?? 1;
    const active = [...oldRSs, ...(newRS ? [newRS] : [])].filter((r) => replicasOf(r) > 0);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...oldRSs].sort(byCreation).pop();
      if (target && replicasOf(target) !== desired) await this.scaleReplicaSet(target, desired, d);
      return;
    }
    const saturated = newRS && newRS.metadata.annotations?.[DESIRED_REPLICAS] === String(desired) && replicasOf(newRS) === desired && rsAvailable(newRS) === desired;
    if (saturated) {
      for (const rs of oldRSs.filter((r) => replicasOf(r) > 0)) await this.scaleReplicaSet(rs, 0, d);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const allowed = desired > 0 ? desired + maxSurge(d) : 0;
    const toAdd = allowed - sumSpecReplicas(active);
    // larger first; on ties newer first when growing, older first when shrinking
    active.sort((a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? -byCreation(a, b) : byCreation(a, b)));
    const sizes = new Map<string, number>();
    let added = 0;
    for (const rs of active) {
      if (toAdd !== 0) {
        const p = replicaSetProportion(rs, d, toAdd, added);
        sizes.set(rs.metadata.name ?? '', replicasOf(rs) + p);
        added += p;
      } else sizes.set(rs.metadata.name ?? '', replicasOf(rs));
    }
    for (let i = 0; i < active.length; i++) {
      const rs = active[i]!;
      const name = rs.metadata.name ?? '';
      if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, sizes.get(name)! + toAdd - added));
      await this.scaleReplicaSet(rs, sizes.get(name)!, d);
    }
  }

  /** `cleanupDeployment`: old ReplicaSets beyond revisionHistoryLimit, scaled to zero and settled, are deleted. */
  private async cleanup(oldRSs: KubeObject[], d: KubeObject): Promise<void> {
    const limit = specOf(d).revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const alive = oldRSs.filter((r) => !r.metadata.deletionTimestamp);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    alive.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of alive.slice(0, diff)) {
      const observed = ((rs.status ?? {}) as { observedGeneration?: number }).observedGeneration ?? 0;
      if (rsStatusReplicas(rs) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > observed) continue;
      try {
        await this.registry.delete(RS, rs.metadata.namespace ?? '', rs.metadata.name ?? '');
      } catch (e) {
        if (!(isStatusError(e) && e.reason === 'NotFound')) throw e;
      }
    }
  }

  private async syncStatusOnly(d: KubeObject, rsList: KubeObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOld(d, rsList, false);
    await this.syncStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  }

  /** `syncDeploymentStatus`: the computed status, written when it changed. */
  private async syncStatus(allRSs: KubeObject[], newRS: KubeObject | undefined, d: KubeObject): Promise<void> {
    const status = calculateStatus(allRSs, newRS, d, this.clock.now());
    if (sameStatus(statusJson(status), d.status)) return;
    await this.saveStatus(d, status, undefined);
  }

  /** `checkPausedConditions`: Progressing Unknown with DeploymentPaused or DeploymentResumed as `spec.paused` turns. */
  private async checkPausedConditions(d: KubeObject): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const status = structuredClone((d.status ?? {}) as DeploymentStatus);
    const cond = getCondition(status, 'Progressing');
    if (cond?.reason === REASON.timedOut) return;
    const pausedCond = cond?.reason === REASON.paused;
    const paused = !!specOf(d).paused;
    if (paused && !pausedCond) setCondition(status, newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', this.clock.now()));
    else if (!paused && pausedCond) setCondition(status, newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', this.clock.now()));
    else return;
    await this.saveStatus(d, status, undefined);
  }

  /** `syncRolloutStatus`: status with the Progressing condition, and a requeue at the progress deadline. */
  private async syncRolloutStatus(allRSs: KubeObject[], newRS: KubeObject | undefined, d: KubeObject): Promise<void> {
    const now = this.clock.now();
    const status = calculateStatus(allRSs, newRS, d, now);
    if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
    const current = getCondition((d.status ?? {}) as DeploymentStatus, 'Progressing');
    const complete = status.replicas === status.updatedReplicas && current?.reason === REASON.newRSAvailable;
    const rsName = newRS?.metadata.name;
    if (hasProgressDeadline(d) && !complete) {
      if (deploymentComplete(d, status)) {
        setCondition(status, newCondition('Progressing', 'True', REASON.newRSAvailable, rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`, now));
      } else if (deploymentProgressing(d, status)) {
        const c = newCondition('Progressing', 'True', REASON.rsUpdated, rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`, now);
        if (current?.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== 'Progressing'), c];
      } else if (deploymentTimedOut(d, status, now)) {
        setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`, now));
      }
    }
    if (sameStatus(statusJson(status), d.status)) {
      this.requeueStuck(d, status, now);
      return;
    }
    await this.saveStatus(d, status, undefined);
    this.requeueStuck(d, status, now);
  }

  /** `requeueStuckDeployment`: look again when the progress deadline passes. */
  private requeueStuck(d: KubeObject, status: DeploymentStatus, now: number): void {
    const c = getCondition(status, 'Progressing');
    if (!hasProgressDeadline(d) || !c || c.reason === REASON.newRSAvailable || c.reason === REASON.timedOut || deploymentComplete(d, status)) return;
    const at = Date.parse(c.lastUpdateTime) + (specOf(d).progressDeadlineSeconds ?? 600) * 1000;
    this.later.after(this.keyOf(d), Math.max(0, at - now) + 1000);
  }
}
