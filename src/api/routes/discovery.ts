import type { Request, Response } from 'express';
import { errors } from '../../errors/index.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiResourceList,
  apiGroupList,
  apiVersions,
  openApiV3Document,
  openApiV3Index,
  versionInfo,
  wantsAggregated,
} from '../discovery/index.js';
import type { KindSchemas } from '../../registry/schema/index.js';
import { sendJson } from '../respond.js';

type Handler = (req: Request, res: Response) => void;

/** The paths {@link discoveryHandler} answers, as templates. */
export const DISCOVERY_TEMPLATES: readonly string[] = ['/version', '/api', '/apis', '/api/v1', '/apis/{group}', '/apis/{group}/{version}', '/openapi/v3', '/openapi/v3/{path}'];

/**
 * One trailing slash after a discovery path that kube-apiserver serves through go-restful or
 * kube-aggregator: `/version/`, `/api/`, `/apis/`, `/api/v1/`, `/apis/<g>/`, `/apis/<g>/<v>/`.
 * go-restful trims trailing slashes from the request path before it matches a route
 * (`tokenizePath` with `TrimRightSlashEnabled`, its default), the version discovery route is
 * `GET /` under `/api/v1` and `/apis/<g>/<v>` (apiserver/pkg/endpoints/discovery/version.go),
 * the director hands `/apis/` to go-restful (apiserver/pkg/server/handler.go), and
 * kube-aggregator registers `/apis/<g>/` beside `/apis/<g>` (`UnlistedHandle(groupPath+"/")`).
 */
const GO_RESTFUL_TRAILING_SLASH = /^(\/(?:version|api|apis)(?:\/[^/]+){0,2})\/$/;

/**
 * Discovery as kubectl reads it, by exact path: `/version`, `/api` and `/apis` (aggregated when
 * the Accept header asks for `APIGroupDiscoveryList`, legacy otherwise), `/api/v1`,
 * `/apis/<g>`, `/apis/<g>/<v>` (each also with one trailing slash, as kube-apiserver answers
 * them), and the OpenAPI v3 documents `kubectl apply -f` validates against. Undefined when the
 * path is not a discovery path.
 * @example
 * const h = discoveryHandler('/apis', () => '127.0.0.1:6443');
 */
export function discoveryHandler(requestPath: string, externalAddress: () => string, schemas?: KindSchemas): Handler | undefined {
  const path = GO_RESTFUL_TRAILING_SLASH.exec(requestPath)?.[1] ?? requestPath;
  if (path === '/version') return (_req, res) => sendJson(res, 200, versionInfo());
  if (path === '/api' || path === '/apis') {
    const which = path === '/api' ? 'api' : 'apis';
    return (req, res) => {
      if (wantsAggregated(req.get('accept'))) return sendJson(res, 200, aggregatedDiscovery(which), AGGREGATED_DISCOVERY_CONTENT_TYPE);
      sendJson(res, 200, which === 'api' ? apiVersions(externalAddress()) : apiGroupList());
    };
  }
  if (path === '/api/v1') return (_req, res) => sendJson(res, 200, apiResourceList('', 'v1'));
  if (path === '/openapi/v3') return (_req, res) => sendJson(res, 200, openApiV3Index(schemas));
  if (path.startsWith('/openapi/v3/')) {
    return (_req, res) => {
      const doc = openApiV3Document(path.slice('/openapi/v3/'.length), schemas);
      if (!doc) throw errors.pageNotFound();
      sendJson(res, 200, doc);
    };
  }
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (m) {
    const [, group, version] = m as unknown as [string, string, string | undefined];
    return (_req, res) => {
      const body = version === undefined ? apiGroup(group) : apiResourceList(group, version);
      if (!body) throw errors.pageNotFound();
      sendJson(res, 200, body);
    };
  }
  return undefined;
}
