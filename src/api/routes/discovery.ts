import { Router, type Request, type Response } from 'express';
import type { Emulator } from '../../emulator.js';
import { errors } from '../../errors/index.js';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3Document,
  openApiV3Index,
  versionInfo,
  wantsAggregated,
} from '../discovery/index.js';
import { sendJson } from '../respond.js';

/**
 * Discovery as kubectl reads it: `/version`, `/api`, `/apis` (aggregated when the Accept header
 * asks for `APIGroupDiscoveryList`, legacy otherwise), `/api/v1`, `/apis/<g>/<v>`, and the
 * OpenAPI v3 documents that `kubectl apply -f` validates against. Only GET is served here.
 */
export function discoveryRouter(emu: Emulator, externalAddress: () => string): Router {
  void emu;
  const r = Router();
  r.get('/version', (_req, res) => sendJson(res, 200, versionInfo()));
  const discover = (which: 'api' | 'apis') => (req: Request, res: Response) => {
    if (wantsAggregated(req.get('accept'))) return sendJson(res, 200, aggregatedDiscovery(which), AGGREGATED_DISCOVERY_CONTENT_TYPE);
    sendJson(res, 200, which === 'api' ? apiVersions(externalAddress()) : apiGroupList());
  };
  r.get('/api', discover('api'));
  r.get('/apis', discover('apis'));
  r.get('/api/v1', (_req, res) => sendJson(res, 200, apiResourceList('', 'v1')));
  r.get('/apis/:group', (req, res) => {
    const g = apiGroup(String(req.params.group));
    if (!g) throw errors.pageNotFound();
    sendJson(res, 200, g);
  });
  r.get('/apis/:group/:version', (req, res) => {
    const list = apiResourceList(String(req.params.group), String(req.params.version));
    if (!list) throw errors.pageNotFound();
    sendJson(res, 200, list);
  });
  r.get('/openapi/v3', (_req, res) => sendJson(res, 200, openApiV3Index()));
  r.get('/openapi/v3/*path', (req, res) => {
    const doc = openApiV3Document(String(req.path.slice('/openapi/v3/'.length)));
    if (!doc) throw errors.pageNotFound();
    sendJson(res, 200, doc);
  });
  return r;
}
