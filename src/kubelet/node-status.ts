import { createHash } from 'node:crypto';
import { arch, cpus, release, totalmem } from 'node:os';
import { rfc3339 } from '../clock/index.js';
import { EMULATED_KUBERNETES } from '../version.js';
import { semanticEqual } from '../registry/semantic-equal.js';
import type { Node, NodeCondition } from '../registry/types.js';

/**
 * The Node a kubelet registers and the status it reports (pkg/kubelet/kubelet_node_status.go,
 * pkg/kubelet/nodestatus/setters.go): the kubelet's well-known labels, capacity and allocatable
 * from the machine, addresses, daemon endpoint, node info, and the four conditions in the
 * kubelet's order, each with the kubelet's reason and message and a fresh `lastHeartbeatTime`.
 */

export interface NodeIdentity {
  nodeName: string;
  /** the address the node reports as InternalIP (default 127.0.0.1: the agent runs on this machine) */
  internalIP?: string;
}

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
export const nodeArch = (): string => GO_ARCH[arch()] ?? arch();

/** The labels a kubelet puts on its Node (`kubeletapis.KubeletLabels` it knows). */
export function nodeLabels(nodeName: string): Record<string, string> {
  const a = nodeArch();
  return { 'beta.kubernetes.io/arch': a, 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': a, 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux' };
}

/** The InternalIP of a node. */
export function internalIP(id: NodeIdentity): string {
  return id.internalIP ?? '127.0.0.1';
}

const CONDITIONS: ReadonlyArray<[string, string, string, string]> = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/**
 * The status the kubelet reports now, the transition times kept from `current` where a
 * condition's status did not change.
 */
export function nodeStatus(id: NodeIdentity, current: Record<string, unknown> | undefined, now: number): Record<string, unknown> {
  const at = rfc3339(now);
  const before = ((current?.conditions as NodeCondition[] | undefined) ?? []).filter((c) => c && typeof c === 'object');
  const conditions: NodeCondition[] = CONDITIONS.map(([type, status, reason, message]) => {
    const old = before.find((c) => c.type === type);
    return { type, status, lastHeartbeatTime: at, lastTransitionTime: old && old.status === status ? (old.lastTransitionTime ?? at) : at, reason, message };
  });
  // conditions others own (NetworkUnavailable, a node problem detector's) stay as they are
  for (const c of before) if (!CONDITIONS.some(([t]) => t === c.type)) conditions.push(c);
  const memKi = `${Math.floor(totalmem() / 1024)}Ki`;
  const cpu = String(Math.max(1, cpus().length));
  const resources = { cpu, 'ephemeral-storage': '102400Mi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: memKi, pods: '110' };
  const machine = createHash('sha256').update(id.nodeName).digest('hex').slice(0, 32);
  return {
    capacity: resources,
    allocatable: resources,
    conditions,
    addresses: [
      { type: 'InternalIP', address: internalIP(id) },
      { type: 'Hostname', address: id.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: machine,
      systemUUID: `${machine.slice(0, 8)}-${machine.slice(8, 12)}-${machine.slice(12, 16)}-${machine.slice(16, 20)}-${machine.slice(20, 32)}`,
      bootID: createHash('sha256').update(`${id.nodeName}/boot`).digest('hex').slice(0, 32),
      kernelVersion: release(),
      osImage: 'satoken emulated node',
      containerRuntimeVersion: 'satoken://emulated',
      kubeletVersion: `v${EMULATED_KUBERNETES.major}.${EMULATED_KUBERNETES.minor}.${EMULATED_KUBERNETES.patch}`,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: nodeArch(),
    },
    ...(current?.images ? { images: current.images } : {}),
  };
}

/** The Node the kubelet registers: its labels and a first status. */
export function initialNode(id: NodeIdentity, now: number): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: id.nodeName, labels: nodeLabels(id.nodeName) }, spec: {}, status: nodeStatus(id, undefined, now) };
}

/**
 * `nodeStatusHasChanged`: whether two statuses differ in anything but the conditions' heartbeat
 * times (the kubelet then reports at once; otherwise only every `nodeStatusReportFrequency`).
 */
export function nodeStatusChanged(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  const strip = (s: Record<string, unknown> | undefined) => {
    const c = structuredClone(s ?? {});
    c.conditions = ((c.conditions as NodeCondition[] | undefined) ?? []).map((x) => ({ ...x, lastHeartbeatTime: null }));
    return c;
  };
  return !semanticEqual(strip(a), strip(b));
}
