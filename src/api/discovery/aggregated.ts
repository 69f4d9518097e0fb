import type { ResourceInfo } from '../../registry/kinds.js';
import { negotiate } from './accept-header.js';
import { servedGroupVersions, type ServedGroupVersion } from './served-groups.js';

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2, KEP-3352): `/api` and `/apis` answer every
 * group, version and resource in one body, so kubectl needs 2 requests instead of 2 + one per
 * group-version (apiserver `pkg/endpoints/discovery/aggregated`).
 * IMPORTANT: kubectl picks the parser from the response Content-Type, so serve these bodies with
 * {@link AGGREGATED_DISCOVERY_CONTENT_TYPE}, and only when {@link wantsAggregated} says so.
 */

/**
 * The Content-Type of an aggregated discovery answer.
 * @example
 * res.status(200).type(AGGREGATED_DISCOVERY_CONTENT_TYPE).send(JSON.stringify(aggregatedDiscovery('apis')));
 */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Cluster' | 'Namespaced';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIGroupDiscovery {
  metadata: { name?: string; creationTimestamp: null };
  versions: Array<{ version: string; resources: APIResourceDiscovery[]; freshness: 'Current' }>;
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: 'apidiscovery.k8s.io/v2';
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

/**
 * Whether an Accept header asks for aggregated discovery v2 before anything else satoken can
 * answer. kubectl ≥ 1.30 sends `…v=v2;as=APIGroupDiscoveryList,…v=v2beta1;as=…,application/json`.
 * v2beta1 alone (kubectl 1.26–1.29) gets the legacy form: 1.33 no longer serves v2beta1.
 * @example
 * wantsAggregated('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'); // true
 * wantsAggregated('application/json'); // false
 */
export function wantsAggregated(accept: string | undefined): boolean {
  const chosen = negotiate(accept, [{ as: 'APIGroupDiscoveryList', group: 'apidiscovery.k8s.io', version: 'v2' }]);
  return chosen !== undefined && chosen !== 'plain';
}

/**
 * The aggregated body for `/api` (`root` 'api': the core group, whose name is empty) or `/apis`
 * (`root` 'apis': every other group, in priority order). Resources are sorted by name,
 * subresources nested under their parent.
 * @example
 * aggregatedDiscovery('api').items[0].versions[0].resources.map((r) => r.resource);
 * // ['configmaps', 'events', 'namespaces', 'nodes', 'pods', 'secrets', 'serviceaccounts']
 */
export function aggregatedDiscovery(root: 'api' | 'apis'): APIGroupDiscoveryList {
  const gvs = servedGroupVersions().filter((gv) => (root === 'api') === (gv.group === ''));
  const groups = [...new Set(gvs.map((gv) => gv.group))];
  const items = groups.map((group): APIGroupDiscovery => ({
    metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
    versions: gvs.filter((gv) => gv.group === group).map((gv) => ({ version: gv.version, resources: gv.resources.map((r) => resourceOf(r, gv)), freshness: 'Current' })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

function resourceOf(r: ResourceInfo, gv: ServedGroupVersion): APIResourceDiscovery {
  const d: APIResourceDiscovery = {
    resource: r.resource,
    responseKind: { group: gv.group, version: gv.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
  };
  if (r.shortNames.length) d.shortNames = [...r.shortNames];
  if (r.categories?.length) d.categories = [...r.categories];
  if (r.subresources.length) {
    d.subresources = r.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: [...s.verbs] }));
  }
  return d;
}
