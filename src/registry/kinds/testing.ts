import { kind, type ResourceInfo } from './resource-info.js';

/**
 * testing.satoken.dev/v1alpha1: satoken's own kinds, for what a test wants of a cluster that a
 * real one would not let it set up (faults on demand). Cluster-scoped, every CRUD verb, a
 * generation that follows `spec` (as every custom resource's does).
 * IMPORTANT: TokenFault's strategy is faults/token-fault-validation.ts (strategies.ts maps it),
 * its schema faults/token-fault-schema.ts (registered on each control plane), its Table
 * printers/testing.ts.
 */
export const TESTING_GROUP = 'testing.satoken.dev';
export const TESTING_VERSION = 'v1alpha1';

export const TESTING: readonly ResourceInfo[] = [
  // `status.matched` is written by the fault injectors through `/status`; a new fault starts at 0
  kind(TESTING_GROUP, TESTING_VERSION, 'tokenfaults', 'TokenFault', false, { status: { initial: { matched: 0 } }, generation: 'spec' }),
];
