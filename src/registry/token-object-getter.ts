import type { Node, Pod, Secret, ServiceAccount } from './types.js';

/**
 * ServiceAccountTokenGetter (pkg/serviceaccount): how token code reads the objects tokens hang on.
 * Each method returns the object or throws the getter's StatusError (e.g. `serviceaccounts "x" not found`).
 */
export interface TokenObjectGetter {
  getServiceAccount(namespace: string, name: string): ServiceAccount | Promise<ServiceAccount>;
  getPod(namespace: string, name: string): Pod | Promise<Pod>;
  getSecret(namespace: string, name: string): Secret | Promise<Secret>;
  getNode(name: string): Node | Promise<Node>;
}
