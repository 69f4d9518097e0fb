import type { KubeObject, Pod } from '../registry/types.js';

/**
 * The scheduler's filter plugins satoken runs (pkg/scheduler/framework/plugins): NodeUnschedulable,
 * NodeName, TaintToleration and NodeAffinity (nodeSelector and required node affinity). Each
 * returns undefined when the node fits, else the reason kube-scheduler reports for it.
 */

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

/** `Toleration.ToleratesTaint`. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsOf(pod: KubeObject): Toleration[] {
  const t = (pod as Pod).spec?.tolerations;
  return Array.isArray(t) ? (t as Toleration[]) : [];
}

export function taintsOf(node: KubeObject): Taint[] {
  const t = (node.spec as { taints?: unknown } | undefined)?.taints;
  return Array.isArray(t) ? (t as Taint[]) : [];
}

/** The first of `taints` with one of `effects` that no toleration tolerates. */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly string[]): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

/** `NodeSelectorRequirement` against a value that may be absent. */
function requirementMatches(r: Requirement, has: boolean, value: string): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const a = Number(value);
      const b = Number(values[0]);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: its expressions over labels and its fields (only `metadata.name`) all match; an empty term matches nothing. */
function termMatches(term: { matchExpressions?: Requirement[]; matchFields?: Requirement[] }, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  if (!exprs.every((r) => requirementMatches(r, Object.prototype.hasOwnProperty.call(labels, r.key), labels[r.key] ?? ''))) return false;
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, true, node.metadata.name ?? ''));
}

/** NodeAffinity's filter: `nodeSelector` and the required terms (any one of them). */
export function matchesNodeAffinity(pod: KubeObject, node: KubeObject): boolean {
  const spec = (pod as Pod).spec ?? {};
  const labels = node.metadata.labels ?? {};
  const selector = (spec.nodeSelector ?? {}) as Record<string, string>;
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
  const required = (spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: unknown[] } } } | undefined)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => !!t && typeof t === 'object' && termMatches(t as never, node));
}

/**
 * Why `node` cannot take `pod`, in kube-scheduler's words, or undefined when it can.
 * @example
 * unfit(pod, node); // 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }'
 */
export function unfit(pod: KubeObject, node: KubeObject): string | undefined {
  const tolerations = tolerationsOf(pod);
  if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable && !tolerations.some((t) => tolerates(t, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' }))) {
    return 'node(s) were unschedulable';
  }
  if (!matchesNodeAffinity(pod, node)) return "node(s) didn't match Pod's node affinity/selector";
  const taint = untoleratedTaint(taintsOf(node), tolerations, ['NoSchedule', 'NoExecute']);
  if (taint) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  return undefined;
}

/**
 * `FitError.Error()` for a pod that fits no node: the reasons counted and sorted, then the
 * preemption verdict (every filter above is UnschedulableAndUnresolvable, so preemption cannot help).
 * @example
 * fitError(1, ['node(s) were unschedulable']);
 * // '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'
 */
export function fitError(numNodes: number, reasons: readonly string[]): string {
  if (numNodes === 0) return 'no nodes available to schedule pods';
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const histogram = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${numNodes} nodes are available: ${histogram.join(', ')}. preemption: 0/${numNodes} nodes are available: ${numNodes} Preemption is not helpful for scheduling.`;
}
