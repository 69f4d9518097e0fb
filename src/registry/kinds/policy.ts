import { kind, type ResourceInfo } from './resource-info.js';

/** policy/v1 (pkg/registry/policy/poddisruptionbudget): status (four counters without `omitempty`) and generation. */
export const POLICY: readonly ResourceInfo[] = [
  kind('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
    status: { initial: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 } },
    generation: 'spec',
  }),
];
