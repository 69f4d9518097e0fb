import { createHash } from 'node:crypto';
import { KindSchemas } from '../../registry/schema/index.js';
import { componentSchemas } from './openapi-schemas.js';
import { resourcePaths } from './openapi-paths.js';
import { servedGroupVersions } from './served-groups.js';
import { GIT_VERSION } from './version.js';

/**
 * `/openapi/v3` and `/openapi/v3/<api/v1 | apis/<g>/<v>>`, as kube-openapi's handler3 serves
 * them: the index maps each group-version to a `serverRelativeURL` carrying `?hash=` (the upper-case
 * hex SHA-512 of the document's JSON, handler3 `computeETag`), and each document is OpenAPI 3.0.
 * kubectl `apply -f` / `create -f` read the index and the document of the object's group-version
 * (real-clients.md §2.5); see openapi-paths.ts for what they look for.
 * IMPORTANT: serve a document as {@link openApiV3Body} (these exact bytes), or the hash in the index
 * stops matching. kube-openapi answers a request whose `hash` is stale with a 301 to the current URL,
 * and a matching one with `Cache-Control: public, immutable`.
 */

export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenApiV3Document {
  openapi: '3.0.0';
  info: { title: 'Kubernetes'; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

type Documents = Map<string, { doc: OpenApiV3Document; body: string; hash: string }>;

/** The schemas of the built-in kinds, for callers that registered none. */
const BUILTIN = new KindSchemas();

/**
 * The documents never change for one set of schemas (they derive from registry/kinds.ts and the
 * kinds' schemas): built once per {@link KindSchemas}, on first request.
 */
const caches = new WeakMap<KindSchemas, Documents>();

function documents(schemas: KindSchemas = BUILTIN): Documents {
  const cached = caches.get(schemas);
  if (cached) return cached;
  const cache: Documents = new Map();
  caches.set(schemas, cache);
  for (const gv of servedGroupVersions()) {
    const key = gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
    const doc: OpenApiV3Document = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: GIT_VERSION },
      paths: resourcePaths(gv.resources),
      components: {
        schemas: componentSchemas(gv.resources, schemas),
        securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
      },
    };
    const body = JSON.stringify(doc);
    cache.set(key, { doc, body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
  }
  return cache;
}

/**
 * The `/openapi/v3` index, keys sorted as Go's encoding/json sorts map keys.
 * @example
 * openApiV3Index().paths['apis/rbac.authorization.k8s.io/v1'].serverRelativeURL;
 * // '/openapi/v3/apis/rbac.authorization.k8s.io/v1?hash=9F86D08…' (128 hex digits)
 */
export function openApiV3Index(schemas?: KindSchemas): OpenApiV3Index {
  const docs = documents(schemas);
  const keys = [...docs.keys()].sort();
  return { paths: Object.fromEntries(keys.map((k) => [k, { serverRelativeURL: `/openapi/v3/${k}?hash=${docs.get(k)!.hash}` }])) };
}

/**
 * A copy of the document for `api/v1` or `apis/<group>/<version>` (the path after `/openapi/v3/`), or
 * undefined when that group-version is not served (answer 404).
 * @example
 * openApiV3Document('apis/authentication.k8s.io/v1')?.paths['/apis/authentication.k8s.io/v1/tokenreviews'];
 */
export function openApiV3Document(groupVersionPath: string, schemas?: KindSchemas): OpenApiV3Document | undefined {
  const d = documents(schemas).get(groupVersionPath);
  return d ? structuredClone(d.doc) : undefined;
}

/**
 * The exact JSON text of a document and its hash, the bytes the index's hash was computed over.
 * @example
 * const served = openApiV3Body('api/v1')!;
 * res.type('application/json').send(served.body);
 */
export function openApiV3Body(groupVersionPath: string, schemas?: KindSchemas): { body: string; hash: string } | undefined {
  const d = documents(schemas).get(groupVersionPath);
  return d ? { body: d.body, hash: d.hash } : undefined;
}
