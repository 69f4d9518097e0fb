import type { KubeObject } from '../../registry/types.js';
import { ageSince, humanDuration } from './human-duration.js';

/**
 * The Pod row of `kubectl get pods`: printers.go `printPod` (kube-apiserver 1.33), which the server
 * runs with Wide on, so all nine cells are sent. Steps:
 * - STATUS starts as `status.reason` or the phase; `SchedulingGated` when the PodScheduled
 *   condition says so.
 * - init containers, in order: restartable (sidecar) ones count towards READY; the first one not
 *   done sets `Init:<reason>`, `Init:ExitCode:N`, `Init:Signal:N` or `Init:i/n`.
 * - once initialised, the containers (last to first) count READY and RESTARTS and set the reason
 *   from waiting/terminated states; `Completed` with one still running becomes `Running`/`NotReady`.
 * - a deleted pod shows `Terminating` (`Unknown` when its node was lost).
 * - RESTARTS is `N (<age> ago)` when a container last terminated at a known time.
 */

interface ContainerState {
  waiting?: { reason?: string };
  running?: unknown;
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface PodView {
  spec?: { containers?: unknown[]; initContainers?: Array<{ name: string; restartPolicy?: string }>; nodeName?: string; readinessGates?: Array<{ conditionType: string }> };
  status?: {
    phase?: string;
    reason?: string;
    nominatedNodeName?: string;
    podIPs?: Array<{ ip: string }>;
    conditions?: Array<{ type: string; status: string; reason?: string }>;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

/**
 * The cells of one Pod row: name, ready, status, restarts, age, IP, node, nominated node,
 * readiness gates.
 * @example
 * podCells({ metadata: { name: 'web' }, spec: { containers: [{ name: 'c' }] } }, 0);
 * // ['web', '0/1', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']
 */
export function podCells(obj: KubeObject, now: number): unknown[] {
  const pod = obj as KubeObject & PodView;
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const conditions = status.conditions ?? [];
  const initSpecs = new Map((spec.initContainers ?? []).map((c) => [c.name, c]));
  const restartable = (name: string) => initSpecs.get(name)?.restartPolicy === 'Always';
  const total = (spec.containers ?? []).length + [...initSpecs.values()].filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason = status.reason || status.phase || '';
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c.lastState));
    if (restartable(c.name)) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(c.lastState));
    }
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (restartable(c.name) && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditions.some((c) => c.type === 'Initialized' && c.status === 'True')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const containers = status.containerStatuses ?? [];
    for (let i = containers.length - 1; i >= 0; i--) {
      const c = containers[i]!;
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c.lastState));
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }

  const phase = status.phase ?? '';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsCell = restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return [
    pod.metadata.name ?? '',
    `${ready}/${total}`,
    reason,
    restartsCell,
    ageSince(pod.metadata.creationTimestamp, now),
    status.podIPs?.[0]?.ip || '<none>',
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    readinessGates(spec.readinessGates ?? [], conditions),
  ];
}

/**
 * printers.go pod row conditions: a Succeeded or Failed pod is marked Completed.
 * @example
 * podRowConditions({ metadata: {}, status: { phase: 'Failed' } });
 * // [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]
 */
export function podRowConditions(obj: KubeObject): Array<{ type: string; status: string; reason: string; message: string }> | undefined {
  const phase = (obj as KubeObject & PodView).status?.phase;
  if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}

function finishedAt(state: ContainerState | undefined): number {
  const t = state?.terminated?.finishedAt ? Date.parse(state.terminated.finishedAt) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function readinessGates(gates: Array<{ conditionType: string }>, conditions: Array<{ type: string; status: string }>): string {
  if (gates.length === 0) return '<none>';
  const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${trueCount}/${gates.length}`;
}
