/**
 * What every NodeRestriction check works with: the request, the node it comes from, the
 * read-only lookups the plugin is built from (Kubernetes gives it listers and the authorizer),
 * its feature gates, and `admission.NewForbidden`'s message.
 */
import type { Authorizer } from '../authorizer/types.js';
import { errors, type StatusError } from '../../errors/index.js';
import type { AdmissionAttributes } from '../../registry/admission.js';
import type { KubeObject, Node, Pod } from '../../registry/types.js';

type Lookup<T> = Promise<T | undefined> | T | undefined;

/**
 * The plugin's read-only view of the cluster (the listers of plugin/pkg/admission/noderestriction).
 * A getter returns undefined for a missing object; one that is left out (a kind the server does
 * not serve) finds nothing. `authorizer` answers `request-serviceaccounts-token-audience`;
 * without one, a node is never authorized for an audience its pod does not use.
 * @example
 * const deps: NodeRestrictionDeps = { getPod: (ns, name) => pods.get(`${ns}/${name}`), getNode: (name) => nodes.get(name) };
 */
export interface NodeRestrictionDeps {
  getPod(namespace: string, name: string): Lookup<Pod>;
  getNode(name: string): Lookup<Node>;
  getPersistentVolumeClaim?(namespace: string, name: string): Lookup<KubeObject>;
  getPersistentVolume?(name: string): Lookup<KubeObject>;
  getCSIDriver?(name: string): Lookup<KubeObject>;
  authorizer?: Authorizer;
}

/**
 * Feature gates NodeRestriction reads, defaulting as in Kubernetes 1.33.
 * @example
 * const gates: NodeRestrictionGates = { serviceAccountNodeAudienceRestriction: false };
 */
export interface NodeRestrictionGates {
  /** ServiceAccountNodeAudienceRestriction (beta, on): a node asks only for audiences its pod uses */
  serviceAccountNodeAudienceRestriction?: boolean;
  /** RecoverVolumeExpansionFailure (beta, on): a node may also write a claim's allocated resources */
  recoverVolumeExpansionFailure?: boolean;
  /** AllowInsecureKubeletCertificateSigningRequests (deprecated, off): skip the kubelet CSR check */
  allowInsecureKubeletCertificateSigningRequests?: boolean;
}

/** One request from a node, with everything a check needs. */
export interface NodeRequest {
  a: AdmissionAttributes;
  /** the requesting node's name */
  node: string;
  deps: NodeRestrictionDeps;
  gates: Required<NodeRestrictionGates>;
}

/**
 * `admission.NewForbidden`: `<resource>[.<group>] "<name>" is forbidden: <why>`, the name taken
 * from the request, else from the object, else `Unknown`.
 * @example
 * throw forbidden(r.a, 'node "n1" can only create mirror pods');
 */
export function forbidden(a: AdmissionAttributes, why: string): StatusError {
  const fromObject = a.object?.metadata?.name;
  const name = a.name || (typeof fromObject === 'string' && fromObject) || 'Unknown';
  return errors.forbidden(a.resource.resource, name, why, a.resource.group);
}

/**
 * A lister's NotFound: client-go listers name the resource in the singular
 * (`pod "web-0" not found`, `csidriver.storage.k8s.io "x" not found`).
 * @example
 * throw listerNotFound('pod', 'web-0');
 */
export function listerNotFound(resource: string, name: string, group = ''): StatusError {
  return errors.notFound(resource, name, group);
}

/** `%q`: a Go-quoted string (JSON's escaping is the same for what names hold). */
export function q(s: string): string {
  return JSON.stringify(s);
}

/** The pod the node names, or the lister's NotFound. */
export async function existingPod(r: NodeRequest, name: string): Promise<Pod> {
  const pod = await r.deps.getPod(r.a.namespace, name);
  if (!pod) throw listerNotFound('pod', name);
  return pod;
}

/** The object, or Forbidden `unexpected type <nil>` when the request carries none. */
export function requireObject(r: NodeRequest, o: KubeObject | undefined): KubeObject {
  if (!o) throw forbidden(r.a, 'unexpected type <nil>');
  return o;
}
