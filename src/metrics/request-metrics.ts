import type { NextFunction, Request, Response } from 'express';
import { type RequestInfo, requestInfo } from '../api/request-info.js';
import type { TokenMetrics } from './token-metrics.js';

/**
 * `CleanVerb` (staging/src/k8s.io/apiserver/pkg/endpoints/metrics/metrics.go), as the
 * installer's route verbs make it: LIST, WATCH, DELETECOLLECTION, APPLY (a server-side-apply
 * PATCH), else the HTTP method.
 * @example
 * reportedVerb('GET', requestInfo('GET', '/api/v1/pods', { watch: 'true' }), undefined); // 'WATCH'
 */
export function reportedVerb(method: string, info: RequestInfo, contentType: string | undefined): string {
  if (info.isResourceRequest && (info.verb === 'list' || info.verb === 'watch' || info.verb === 'deletecollection')) return info.verb.toUpperCase();
  if (method === 'PATCH' && contentType?.startsWith('application/apply-patch')) return 'APPLY';
  return method.toUpperCase();
}

/**
 * `CleanScope`: resource (a name, or a create), namespace, cluster, or empty for non-resource paths.
 * @example
 * reportedScope(requestInfo('GET', '/api/v1/namespaces/default/pods', {})); // 'namespace'
 */
export function reportedScope(info: RequestInfo): string {
  if (info.name !== '' || info.verb === 'create') return 'resource';
  if (info.namespace !== '') return 'namespace';
  if (info.isResourceRequest) return 'cluster';
  return '';
}

/**
 * Express middleware counting every answered request in `apiserver_request_total`, once the
 * response is finished (a watch counts when it ends). It reads the request info the
 * authorization step stored (`res.locals.info`), or works it out for requests rejected earlier.
 * @example
 * app.use(countRequests(emulator.metrics));
 */
export function countRequests(metrics: TokenMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.on('finish', () => {
      const info = (res.locals.info as RequestInfo | undefined) ?? requestInfo(req.method, req.path, req.query as Record<string, unknown>);
      metrics.requests.inc({
        verb: reportedVerb(req.method, info, req.headers['content-type']),
        dry_run: typeof req.query.dryRun === 'string' ? req.query.dryRun : '',
        group: info.apiGroup,
        version: info.apiVersion,
        resource: info.resource,
        subresource: info.subresource,
        scope: reportedScope(info),
        component: 'apiserver',
        code: String(res.statusCode),
      });
    });
    next();
  };
}
