import type { ResourceInfo } from './kinds.js';
import type { KubeObject, UserInfo } from './types.js';

/**
 * The admission seam (design: authentication → authorization → admission → storage).
 * Mutating plugins run first (`admit`), then validating ones (`validate`); either throws a
 * StatusError to refuse the request.
 */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: Operation;
  resource: ResourceInfo;
  /** e.g. `token` for a TokenRequest (whose `object` is the TokenRequest), `status`, `scale` */
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

/** What storage needs of admission: one call per write. */
export interface Admission {
  run(a: AdmissionAttributes): Promise<void>;
}

/**
 * The admission plugins of one control plane, installed once when it is built (kube-apiserver's
 * `--enable-admission-plugins` are fixed at start too): a second `install` is a programming error.
 * Until installed, writes pass (the control plane installs before it accepts any request).
 * @example
 * const admission = new AdmissionChain();
 * const registry = new ObjectRegistry({ store, clock, admission });
 * admission.install([serviceAccountAdmission(registry), nodeRestriction(getters)]);
 */
export class AdmissionChain implements Admission {
  private plugins: readonly AdmissionPlugin[] | undefined;

  install(plugins: readonly AdmissionPlugin[]): void {
    if (this.plugins) throw new Error('admission plugins are already installed');
    this.plugins = Object.freeze([...plugins]);
  }

  /** The installed plugins' names, in order. */
  names(): string[] {
    return (this.plugins ?? []).map((p) => p.name);
  }

  run(a: AdmissionAttributes): Promise<void> {
    return runAdmission(this.plugins ?? [], a);
  }
}

export async function runAdmission(plugins: readonly AdmissionPlugin[], a: AdmissionAttributes): Promise<void> {
  for (const p of plugins) if (p.admit) await p.admit(a);
  for (const p of plugins) if (p.validate) await p.validate(a);
}
