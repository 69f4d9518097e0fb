import { createHash, randomBytes } from 'node:crypto';
import { rfc3339 } from '../clock/index.js';
import { setPodCondition } from '../registry/pod-conditions.js';
import type { Container, Pod } from '../registry/types.js';

/**
 * The status a kubelet reports for a pod (pkg/kubelet/kubelet_pods.go `generateAPIPodStatus`,
 * pkg/kubelet/status/generate.go), for an emulated container runtime: no image is pulled, a
 * container "runs" once the pod's volumes are set up.
 */

/** What the kubelet remembers of a pod it started: the same across status writes and agent restarts. */
export interface PodRun {
  startedAt: number;
  podIP: string;
  hostIP: string;
  containerIDs: Record<string, string>;
  /** set when the containers exited */
  finishedAt?: number;
  exitCode?: number;
  /** container restarts so far (restartPolicy OnFailure after a failure) */
  restarts: number;
}

/** `docker.io/library/nginx:latest` for `nginx`: the name a container runtime reports for an image. */
export function normalizeImage(image: string | undefined): string {
  let ref = image ?? '';
  if (!ref) return '';
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  if (slash < 0 || (!first.includes('.') && !first.includes(':') && first !== 'localhost')) ref = `docker.io/${slash < 0 ? 'library/' : ''}${ref}`;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  if (!last.includes(':') && !last.includes('@')) ref += ':latest';
  return ref;
}

/** A stable stand-in for the image's digest (`<repository>@sha256:<hex>`): the runtime would report the pulled one. */
export function imageId(image: string): string {
  const repo = image.replace(/[:@][^/]*$/, '');
  return `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

export function newContainerId(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

function containers(pod: Pod): Container[] {
  return Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
}

function initContainers(pod: Pod): Container[] {
  return Array.isArray(pod.spec?.initContainers) ? (pod.spec.initContainers as Container[]) : [];
}

/** The pod's containers by name, each as `ContainerStatus` members in Go's order. */
function containerStatus(c: Container, run: PodRun | undefined, state: Record<string, unknown>, ready: boolean, started: boolean, restarts = 0, lastState: Record<string, unknown> = {}): Record<string, unknown> {
  const image = normalizeImage(c.image);
  const out: Record<string, unknown> = { name: c.name, state, lastState, ready, restartCount: restarts, image, imageID: run ? imageId(image) : '' };
  if (run?.containerIDs[c.name]) out.containerID = run.containerIDs[c.name];
  out.started = started;
  return out;
}

/** Conditions in the kubelet's order: PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled (kept). */
function withConditions(status: Record<string, unknown>, now: number, set: Array<[string, 'True' | 'False', string?, string?]>): void {
  const scheduled = (status.conditions as Array<{ type: string }> | undefined)?.find((c) => c.type === 'PodScheduled');
  const others = ((status.conditions as Array<{ type: string }> | undefined) ?? []).filter((c) => !['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].includes(c.type));
  const before = status.conditions;
  const fresh: Record<string, unknown> = { conditions: before };
  for (const [type, s, reason, message] of set) setPodCondition(fresh, { type, status: s, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }, now);
  const byType = new Map(((fresh.conditions as Array<{ type: string }>) ?? []).map((c) => [c.type, c]));
  status.conditions = [...set.map(([t]) => byType.get(t)!), ...(scheduled ? [scheduled] : []), ...others];
}

function addresses(status: Record<string, unknown>, run: PodRun): void {
  status.hostIP = run.hostIP;
  status.hostIPs = [{ ip: run.hostIP }];
  status.podIP = run.podIP;
  status.podIPs = [{ ip: run.podIP }];
  status.startTime = rfc3339(run.startedAt);
}

/**
 * A pod whose volumes are not set up yet (or failed to be): Pending, its containers waiting in
 * ContainerCreating, as `kubectl get pods` shows it then.
 */
export function creatingStatus(pod: Pod, current: Record<string, unknown>, hostIP: string, now: number): Record<string, unknown> {
  const status: Record<string, unknown> = { ...current, phase: 'Pending' };
  const names = containers(pod).map((c) => c.name);
  withConditions(status, now, [
    ['PodReadyToStartContainers', 'False'],
    ['Initialized', 'True'],
    ['Ready', 'False', 'ContainersNotReady', `containers with unready status: [${names.join(' ')}]`],
    ['ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${names.join(' ')}]`],
  ]);
  status.hostIP = hostIP;
  status.hostIPs = [{ ip: hostIP }];
  status.startTime = (current.startTime as string | undefined) ?? rfc3339(now);
  status.containerStatuses = containers(pod).map((c) => containerStatus(c, undefined, { waiting: { reason: 'ContainerCreating' } }, false, false));
  return status;
}

/** A pod whose containers run: Running, every condition True, every container started and ready. */
export function runningStatus(pod: Pod, current: Record<string, unknown>, run: PodRun, now: number): Record<string, unknown> {
  const status: Record<string, unknown> = { ...current, phase: 'Running' };
  withConditions(status, now, [
    ['PodReadyToStartContainers', 'True'],
    ['Initialized', 'True'],
    ['Ready', 'True'],
    ['ContainersReady', 'True'],
  ]);
  addresses(status, run);
  const started = rfc3339(run.startedAt);
  const init = initContainers(pod);
  if (init.length) {
    status.initContainerStatuses = init.map((c) => containerStatus(c, run, { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: started, containerID: run.containerIDs[c.name] } }, true, false));
  }
  const last = run.restarts > 0 && run.finishedAt !== undefined ? { terminated: { exitCode: run.exitCode ?? 1, reason: 'Error', startedAt: started, finishedAt: rfc3339(run.finishedAt) } } : {};
  status.containerStatuses = containers(pod).map((c) => containerStatus(c, run, { running: { startedAt: rfc3339(run.restarts > 0 && run.finishedAt !== undefined ? run.finishedAt : run.startedAt) } }, true, true, run.restarts, last));
  return status;
}

/** A pod whose containers exited: Succeeded (every exit code 0) or Failed, nothing ready any more. */
export function terminatedStatus(pod: Pod, current: Record<string, unknown>, run: PodRun, now: number): Record<string, unknown> {
  const code = run.exitCode ?? 0;
  const phase = code === 0 ? 'Succeeded' : 'Failed';
  const why = code === 0 ? 'PodCompleted' : 'PodFailed';
  const status: Record<string, unknown> = { ...current, phase };
  withConditions(status, now, [
    ['PodReadyToStartContainers', 'False'],
    ['Initialized', 'True', code === 0 ? 'PodCompleted' : undefined],
    ['Ready', 'False', why],
    ['ContainersReady', 'False', why],
  ]);
  addresses(status, run);
  const terminated = (c: Container) => ({
    terminated: { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt: rfc3339(run.startedAt), finishedAt: rfc3339(run.finishedAt ?? now), containerID: run.containerIDs[c.name] },
  });
  status.containerStatuses = containers(pod).map((c) => containerStatus(c, run, terminated(c), false, false, run.restarts));
  return status;
}

/** The run the pod's reported status describes (after an agent restart), if it says its containers started. */
export function runFromStatus(pod: Pod): PodRun | undefined {
  const s = (pod.status ?? {}) as { podIP?: string; hostIP?: string; containerStatuses?: Array<{ name?: string; containerID?: string; restartCount?: number; state?: { running?: { startedAt?: string }; terminated?: { startedAt?: string } } }> };
  const statuses = s.containerStatuses ?? [];
  const startedAt = statuses.map((c) => Date.parse(c.state?.running?.startedAt ?? c.state?.terminated?.startedAt ?? '')).find((t) => Number.isFinite(t));
  if (!s.podIP || !s.hostIP || startedAt === undefined) return undefined;
  const ids: Record<string, string> = {};
  for (const c of statuses) if (c.name && c.containerID) ids[c.name] = c.containerID;
  return { startedAt, podIP: s.podIP, hostIP: s.hostIP, containerIDs: ids, restarts: statuses.reduce((n, c) => Math.max(n, c.restartCount ?? 0), 0) };
}

/** Container IDs for every container and init container of the pod. */
export function containerIdsFor(pod: Pod): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const c of [...initContainers(pod), ...containers(pod)]) ids[c.name] = newContainerId();
  return ids;
}
