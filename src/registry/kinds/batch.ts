import { kind, type ResourceInfo } from './resource-info.js';

/** batch/v1 (pkg/registry/batch/*): category `all`, status, generation. */
export const BATCH: readonly ResourceInfo[] = [
  kind('batch', 'v1', 'cronjobs', 'CronJob', true, { shortNames: ['cj'], categories: ['all'], status: { initial: {} }, generation: 'spec' }),
  kind('batch', 'v1', 'jobs', 'Job', true, { categories: ['all'], status: { initial: {} }, generation: 'spec' }),
];
