import { errors } from '../../errors/index.js';
import type { AdmissionPlugin } from '../../registry/admission.js';

/**
 * The `Priority` admission plugin (plugin/pkg/admission/priority), enabled by default, for pods:
 * - create: `spec.priority` from the pod's priorityClassName (0 and PreemptLowerPriority when
 *   none is named and no class is the global default); a class that does not exist, or a
 *   priority or preemptionPolicy in the pod that differs from the class's, is refused
 * - update: the priority and preemptionPolicy set at creation are kept when the update drops them
 * satoken serves no PriorityClass objects: the two system classes every cluster has are built in.
 */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

type PodSpec = { priorityClassName?: unknown; priority?: unknown; preemptionPolicy?: unknown };

export function priorityAdmission(classes: Readonly<Record<string, number>> = SYSTEM_PRIORITY_CLASSES): AdmissionPlugin {
  return {
    name: 'Priority',
    admit(a) {
      if (a.resource.kind !== 'Pod' || a.subresource || !a.object) return;
      const spec = (a.object as { spec?: unknown }).spec as PodSpec | undefined;
      if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return;
      const podName = a.object.metadata.name || a.object.metadata.generateName || '';
      if (a.operation === 'UPDATE') {
        const old = (a.oldObject as { spec?: PodSpec } | undefined)?.spec;
        if ((spec.priority === undefined || spec.priority === null) && old?.priority !== undefined) spec.priority = old.priority;
        if ((spec.preemptionPolicy === undefined || spec.preemptionPolicy === null) && old?.preemptionPolicy !== undefined) spec.preemptionPolicy = old.preemptionPolicy;
        return;
      }
      if (a.operation !== 'CREATE') return;
      let priority = 0;
      const name = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
      if (name) {
        if (!(name in classes)) throw errors.forbidden('pods', podName, `no PriorityClass with name ${name} was found`);
        priority = classes[name]!;
      }
      if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
        throw errors.forbidden('pods', podName, `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
      }
      spec.priority = priority;
      if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== 'PreemptLowerPriority') {
        throw errors.forbidden('pods', podName, `the string value of PreemptionPolicy (${String(spec.preemptionPolicy)}) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`);
      }
      spec.preemptionPolicy = 'PreemptLowerPriority';
    },
  };
}
