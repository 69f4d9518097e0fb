import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiResourceList,
  apiGroupList,
  apiVersions,
  openApiV3Body,
  openApiV3Index,
  toTable,
  versionInfo,
  wantsAggregated,
  wantsTable,
} from '../../../src/api/discovery/index.js';
import { apiVersionOf, resourceInfo } from '../../../src/registry/kinds.js';
import type { KubeObject } from '../../../src/registry/types.js';

/** One request as the fake server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  accept: string;
  userAgent: string;
}

export interface DiscoveryServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

const NOT_FOUND = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 };

/**
 * A plain node:http server (no express) answering with the discovery bodies, so the real kubectl
 * can be pointed at it: /version, /api, /apis (aggregated unless `legacyOnly`), /api/v1,
 * /apis/<g>/<v>, /openapi/v3, Table or list answers for the collections in `objects`
 * (`/api/v1/namespaces/default/serviceaccounts` → objects; an empty list for any other served
 * collection), 404 for single objects, and POSTs
 * echoed back as created.
 */
export async function startDiscoveryServer(opts: { legacyOnly?: boolean; now: number; objects: Record<string, KubeObject[]> }): Promise<DiscoveryServer> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const accept = req.headers.accept ?? '';
    seen.push({ method: req.method ?? '', url: req.url ?? '', accept, userAgent: req.headers['user-agent'] ?? '' });
    const send = (code: number, body: unknown, contentType = 'application/json') => {
      res.writeHead(code, { 'content-type': contentType });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const p = url.pathname;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => send(201, { ...JSON.parse(Buffer.concat(chunks).toString('utf8')), status: { authenticated: false, user: {} } }));
      return;
    }
    if (p === '/version') return send(200, versionInfo());
    if (p === '/api' || p === '/apis') {
      const root = p === '/api' ? 'api' : 'apis';
      if (!opts.legacyOnly && wantsAggregated(accept)) return send(200, aggregatedDiscovery(root), AGGREGATED_DISCOVERY_CONTENT_TYPE);
      return send(200, root === 'api' ? apiVersions(url.host) : apiGroupList());
    }
    if (p === '/openapi/v3') return send(200, openApiV3Index());
    if (p.startsWith('/openapi/v3/')) {
      const doc = openApiV3Body(p.slice('/openapi/v3/'.length));
      return doc ? send(200, doc.body) : send(404, NOT_FOUND);
    }
    const gv = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    const list = gv && (gv[1] ? apiResourceList('', gv[1]) : apiResourceList(gv[2]!, gv[3]!));
    if (list) return send(200, list);
    const collection = /^\/(?:api\/v1|apis\/([^/]+)\/v1)\/(?:namespaces\/[^/]+\/)?([a-z]+)$/.exec(p);
    const info = collection && resourceInfo(collection[1] ?? '', collection[2]!);
    if (info) {
      const items = opts.objects[p] ?? [];
      if (wantsTable(accept)) return send(200, toTable(info, items, { now: opts.now, includeObject: 'Metadata', resourceVersion: '42' }));
      return send(200, { kind: info.listKind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: '42' }, items });
    }
    send(404, NOT_FOUND);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
