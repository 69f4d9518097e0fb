/**
 * Discovery and the other bodies kubectl needs before it acts: `/version`, legacy and aggregated
 * discovery, Tables for `kubectl get`, and OpenAPI v3 for `apply -f` / `create -f`. Pure functions
 * of registry/kinds.ts (and the clock's now, for Table ages); api/app.ts routes them.
 * @example
 * import { wantsAggregated, aggregatedDiscovery, AGGREGATED_DISCOVERY_CONTENT_TYPE, apiVersions } from './discovery/index.js';
 * const body = wantsAggregated(req.get('accept')) ? aggregatedDiscovery('api') : apiVersions('127.0.0.1:6443');
 */
export { EMULATED_KUBERNETES, GIT_VERSION, goPlatform, versionInfo, type VersionInfo, type VersionOptions } from './version.js';
export { apiGroup, apiGroupList, apiResourceList, apiVersions, type APIGroup, type APIResource, type APIResourceList } from './legacy.js';
export {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  wantsAggregated,
  type APIGroupDiscovery,
  type APIGroupDiscoveryList,
  type APIResourceDiscovery,
} from './aggregated.js';
export { scaleTable, toTable, wantsTable, watchTableEncoder, type IncludeObject, type Table, type TableOptions, type TableRow } from './tables.js';
export { type TableColumnDefinition } from './table-columns.js';
export { ageSince, humanDuration } from './human-duration.js';
export { openApiV3Body, openApiV3Document, openApiV3Index, type OpenApiV3Document, type OpenApiV3Index } from './openapi-v3.js';
