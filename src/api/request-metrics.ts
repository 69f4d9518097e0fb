import type { RequestObserver } from './pipeline.js';
import type { RequestInfo } from './request-info.js';
import type { TokenMetrics } from '../metrics/token-metrics.js';

/**
 * `CleanVerb` (staging/src/k8s.io/apiserver/pkg/endpoints/metrics/metrics.go), as the
 * installer's route verbs make it: LIST, WATCH, DELETECOLLECTION, APPLY (a server-side-apply
 * PATCH), else the HTTP method.
 * @example
 * reportedVerb('GET', requestInfo('GET', '/api/v1/pods', new Query('watch=true')), undefined); // 'WATCH'
 */
export function reportedVerb(method: string, info: RequestInfo, contentType: string | undefined): string {
  if (info.isResourceRequest && (info.verb === 'list' || info.verb === 'watch' || info.verb === 'deletecollection')) return info.verb.toUpperCase();
  if (method === 'PATCH' && contentType?.startsWith('application/apply-patch')) return 'APPLY';
  return method.toUpperCase();
}

/**
 * `CleanScope`: resource (a name, or a create), namespace, cluster, or empty for non-resource paths.
 * @example
 * reportedScope(requestInfo('GET', '/api/v1/namespaces/default/pods', new Query(''))); // 'namespace'
 */
export function reportedScope(info: RequestInfo): string {
  if (info.name !== '' || info.verb === 'create') return 'resource';
  if (info.namespace !== '') return 'namespace';
  if (info.isResourceRequest) return 'cluster';
  return '';
}

/**
 * Counts every answered request in `apiserver_request_total` when it ends (a watch counts when it
 * ends), from the request info the pipeline parsed first.
 * @example
 * const observers = [countRequests(metrics)];
 */
export function countRequests(metrics: TokenMetrics): RequestObserver {
  return (ctx, req, res) => {
    const info = ctx.info;
    metrics.requests.inc({
      verb: reportedVerb(req.method ?? '', info, req.headers['content-type']),
      dry_run: ctx.query.get('dryRun') ?? '',
      group: info.apiGroup,
      version: info.apiVersion,
      resource: info.resource,
      subresource: info.subresource,
      scope: reportedScope(info),
      component: 'apiserver',
      code: String(res.statusCode),
    });
  };
}
