/**
 * The resources satoken serves, composed from one file per API group under kinds/: the single
 * source for routing, discovery, Tables, OpenAPI, storage keys and the status, generation and
 * scale semantics of each kind.
 * IMPORTANT: a kind added here must also get a strategy in registry/validation (strategies.ts),
 * Table columns in api/discovery when kube-apiserver has a printer for it, and, where kubectl
 * sends it as protobuf, a schema in api/codecs (k8s-proto-schema.ts).
 */
import { APPS } from './kinds/apps.js';
import { BATCH } from './kinds/batch.js';
import { COORDINATION } from './kinds/coordination.js';
import { CORE } from './kinds/core.js';
import { NETWORKING } from './kinds/networking.js';
import { POLICY } from './kinds/policy.js';
import { RBAC } from './kinds/rbac.js';
import type { ResourceInfo } from './kinds/resource-info.js';
import { REVIEWS } from './kinds/reviews.js';
import { TESTING } from './kinds/testing.js';
// testing.satoken.dev/v1alpha1: the cloud side of workload identity, defined with its exchanges
import { TRUST_RESOURCES } from './kinds/trust.js';

export type { ResourceInfo, StatusRules, SubresourceInfo } from './kinds/resource-info.js';

/** Every stored resource, group by group. */
export const RESOURCES: readonly ResourceInfo[] = [...CORE, ...RBAC, ...APPS, ...BATCH, ...NETWORKING, ...POLICY, ...COORDINATION, ...TRUST_RESOURCES, ...TESTING];

/**
 * Create-only kinds answered in place and never stored (no list, so `listKind` is empty): listed in
 * discovery and OpenAPI, routed by api/app.ts. Kept out of RESOURCES, which drives storage.
 */
export const REVIEW_RESOURCES: readonly ResourceInfo[] = REVIEWS;

const byResource = new Map(RESOURCES.map((r) => [`${r.group}/${r.resource}`, r]));
const byKind = new Map(RESOURCES.map((r) => [`${r.group}/${r.kind}`, r]));

export function apiVersionOf(r: ResourceInfo): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function resourceInfo(group: string, resource: string): ResourceInfo | undefined {
  return byResource.get(`${group}/${resource}`);
}

/** Looks a kind up by its name alone (kinds are unique across the groups satoken serves). */
export function kindInfo(kind: string, group?: string): ResourceInfo | undefined {
  if (group !== undefined) return byKind.get(`${group}/${kind}`);
  return RESOURCES.find((r) => r.kind === kind);
}

/**
 * The subresource `name` of a resource, or undefined when satoken does not serve it.
 * @example
 * subresourceInfo(kindInfo('Deployment')!, 'scale')?.kind; // 'Scale'
 */
export function subresourceInfo(r: ResourceInfo, name: string) {
  return r.subresources.find((s) => s.name === name);
}

export function parseApiVersion(apiVersion: string | undefined): { group: string; version: string } {
  if (!apiVersion) return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  // schema.ParseGroupVersion fails; FromAPIVersionAndKind then yields an empty GroupVersion
  return { group: '', version: '' };
}
