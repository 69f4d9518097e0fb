import type { ResourceInfo } from './kinds.js';
import type { KubeObject, UserInfo } from './types.js';

/**
 * The admission seam (design: authentication → authorization → admission → storage).
 * Mutating plugins run first (`admit`), then validating ones (`validate`); either throws a
 * StatusError to refuse the request.
 */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  operation: Operation;
  resource: ResourceInfo;
  subresource?: string;
  namespace: string;
  name: string;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  user: UserInfo | undefined;
  dryRun: boolean;
}

export interface AdmissionPlugin {
  readonly name: string;
  admit?(a: AdmissionAttributes): Promise<void> | void;
  validate?(a: AdmissionAttributes): Promise<void> | void;
}

export async function runAdmission(plugins: readonly AdmissionPlugin[], a: AdmissionAttributes): Promise<void> {
  for (const p of plugins) if (p.admit) await p.admit(a);
  for (const p of plugins) if (p.validate) await p.validate(a);
}
