import type { Request, Response } from 'express';
import type { Clock } from '../../clock/index.js';
import { errors } from '../../errors/index.js';
import { type ResourceInfo, apiVersionOf, resourceInfo } from '../../registry/kinds.js';
import type { DeletePolicy } from '../../registry/deletion.js';
import type { ObjectList, ObjectRegistry } from '../../registry/object-registry.js';
import type { KubeObject } from '../../registry/types.js';
import { requestBody, requestKindObject } from '../body.js';
import { requestContext } from '../context.js';
import { toTable, wantsTable } from '../discovery/index.js';
import { patchFormatOf, unsupportedPatchType } from '../media.js';
import { applyPatchRequest } from '../patch.js';
import { type KindSchemas, validateWriteOptions, writeOptionsFromQuery } from '../../registry/schema/index.js';
import { sendJson } from '../respond.js';
import { handleSubresource } from './subresources.js';
import { serveWatch, type WatchLimits } from './watch.js';

/** What the resource routes use of the control plane. */
export interface ResourceDeps {
  objects: ObjectRegistry;
  clock: Clock;
  /** resolves when controllers have caught up with a write (so the answer reflects them) */
  idle(): Promise<void>;
  watches: WatchLimits;
  /** the kinds' schemas: bodies and patch results are decoded against them (registry/schema) */
  schemas: KindSchemas;
}

/**
 * CRUD, list and watch for every kind in registry/kinds.ts, under the real Kubernetes paths.
 * The registry does the work; this translates HTTP to it and back (Tables when asked).
 */
export async function handleResource(deps: ResourceDeps, req: Request, res: Response): Promise<void> {
  const ctx = requestContext(req);
  const info = ctx.info;
  const r = resourceInfo(info.apiGroup, info.resource);
  if (!r || r.version !== info.apiVersion) throw errors.pageNotFound();
  if (r.namespaced === false && info.namespace && info.resource !== 'namespaces') throw errors.pageNotFound();
  if (info.subresource) return handleSubresource(deps, r, req, res);
  const reg = deps.objects;
  const ns = r.namespaced ? info.namespace : '';
  const user = ctx.user;
  // dryRun values are validated (only `All`) by the write options below, before any write
  const dryRun = ctx.query.all('dryRun').length > 0;
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const q = req.query as Record<string, string | undefined>;
  const now = deps.clock.now();
  switch (info.verb) {
    case 'get':
      return send(req, res, 200, r, reg.get(r, ns || undefined, info.name), now);
    case 'list': {
      const list = reg.list(r, ns || undefined, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: parseLimit(req.query.limit), continue: first(req.query.continue), resourceVersion: first(req.query.resourceVersion) });
      const metadata = listMeta(list);
      if (wantsTable(req.get('accept'))) {
        const table = toTable(r, list.items, { now, includeObject: includeObject(q), resourceVersion: list.resourceVersion });
        return sendJson(res, 200, { ...table, metadata });
      }
      return sendJson(res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r), metadata, items: list.items });
    }
    case 'watch':
      return serveWatch(deps.objects, deps.watches, r, ns || undefined, req, res, () => deps.clock.now());
    case 'create': {
      // go-restful registers POST on collections only: a POST naming an object matches no route
      if (info.name) throw errors.methodNotAllowed();
      const body = requestKindObject(req, deps.schemas, gvk, 'CreateOptions').object as KubeObject;
      const created = await reg.create(r, ns, body, { dryRun, user });
      await deps.idle();
      return send(req, res, 201, r, created, now);
    }
    case 'update': {
      const body = requestKindObject(req, deps.schemas, gvk, 'UpdateOptions').object as KubeObject;
      const updated = await reg.update(r, ns, info.name, body, { dryRun, user });
      await deps.idle();
      return send(req, res, 200, r, updated, now);
    }
    case 'patch': {
      const format = patchFormatOf(req.get('content-type'));
      if (!format) throw unsupportedPatchType();
      const fieldValidation = validateWriteOptions('PatchOptions', { ...writeOptionsFromQuery(ctx.query), applyPatch: format === 'apply-patch' });
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const current = reg.peek(r, ns || undefined, info.name);
      if (!current) {
        if (format !== 'apply-patch') throw errors.notFound(r.resource, info.name, r.group);
        const empty = { apiVersion: apiVersionOf(r), kind: r.kind, metadata: { name: info.name } };
        const fresh = applyPatchRequest({ format, body, current: empty, fieldValidation, schemas: deps.schemas, ...gvk });
        ctx.warnings.push(...fresh.warnings);
        const created = await reg.create(r, ns, fresh.object as KubeObject, { dryRun, user });
        await deps.idle();
        return send(req, res, 201, r, created, now);
      }
      const patched = applyPatchRequest({ format, body, current: current as unknown as Record<string, unknown>, fieldValidation, schemas: deps.schemas, ...gvk });
      ctx.warnings.push(...patched.warnings);
      const next = patched.object as KubeObject;
      next.metadata = { ...(next.metadata ?? {}), resourceVersion: current.metadata.resourceVersion };
      const updated = await reg.update(r, ns, info.name, next, { dryRun, user });
      await deps.idle();
      return send(req, res, 200, r, updated, now);
    }
    case 'delete': {
      validateWriteOptions('DeleteOptions', writeOptionsFromQuery(ctx.query));
      const body = Buffer.isBuffer(req.body) && req.body.length ? (requestBody(req) as DeleteBody | undefined) : undefined;
      const grace = gracePeriodOf(body?.gracePeriodSeconds, ctx.query.all('gracePeriodSeconds')[0]);
      const deleted = await reg.delete(r, ns, info.name, { dryRun, user, ...(body?.preconditions ? { preconditions: body.preconditions } : {}), ...deletePolicy(ctx.query, body), ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}) });
      await deps.idle();
      // an object left to its finalizers (foreground or orphan propagation) is answered 202, as the generic store's handler does
      return send(req, res, !dryRun && reg.isBeingDeleted(r, ns || undefined, info.name) ? 202 : 200, r, deleted, now);
    }
    case 'deletecollection': {
      const items = reg.list(r, ns || undefined, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector }).items;
      const body = Buffer.isBuffer(req.body) && req.body.length ? (requestBody(req) as DeleteBody | undefined) : undefined;
      const grace = gracePeriodOf(body?.gracePeriodSeconds, ctx.query.all('gracePeriodSeconds')[0]);
      const policy = { ...deletePolicy(ctx.query, body), ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}) };
      const deleted: KubeObject[] = [];
      for (const o of items) deleted.push(await reg.delete(r, o.metadata.namespace ?? '', o.metadata.name!, { dryRun, user, ...policy }));
      await deps.idle();
      return sendJson(res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(reg.revision()) }, items: deleted });
    }
    default:
      throw errors.methodNotAllowed();
  }
}

/** The DeleteOptions fields the registry reads from a DELETE body. */
interface DeleteBody {
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: unknown;
  propagationPolicy?: string;
  orphanDependents?: boolean;
}

/**
 * The propagation of a DELETE: the body's DeleteOptions, else the query's `propagationPolicy`
 * and `orphanDependents` (metav1's parameter codec; a body wins, as the handler decodes it last).
 */
function deletePolicy(query: { get(key: string): string | undefined }, body: DeleteBody | undefined): DeletePolicy {
  const out: DeletePolicy = {};
  const policy = body?.propagationPolicy ?? query.get('propagationPolicy');
  if (policy !== undefined && policy !== null) out.propagationPolicy = policy;
  const orphan = body?.orphanDependents ?? parseBool(query.get('orphanDependents'));
  if (orphan !== undefined && orphan !== null) out.orphanDependents = orphan;
  return out;
}

/** strconv.ParseBool, as the query parameter codec reads booleans (an unreadable value is ignored). */
function parseBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

/** ListMeta in Go's member order: resourceVersion, continue, remainingItemCount (the last two only on a page with more after it). */
function listMeta(list: ObjectList): { resourceVersion: string; continue?: string; remainingItemCount?: number } {
  if (list.continue === undefined) return { resourceVersion: list.resourceVersion };
  return list.remainingItemCount === undefined ? { resourceVersion: list.resourceVersion, continue: list.continue } : { resourceVersion: list.resourceVersion, continue: list.continue, remainingItemCount: list.remainingItemCount };
}

/**
 * DeleteOptions.gracePeriodSeconds from the body (an int64, as Go decodes it) or, failing that,
 * the query (metav1's parameter codec); undefined when neither gives one.
 */
function gracePeriodOf(body: unknown, query: string | undefined): number | undefined {
  if (body !== undefined && body !== null) {
    if (typeof body !== 'number' || !Number.isSafeInteger(body)) throw errors.badRequest(`json: cannot unmarshal ${typeof body === 'number' ? `number ${body}` : typeof body === 'string' ? 'string' : typeof body} into Go struct field DeleteOptions.gracePeriodSeconds of type int64`);
    return body;
  }
  if (query === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(query) || !Number.isSafeInteger(Number(query))) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(query)}: invalid syntax`);
  return Number(query);
}

/** A query parameter's first value, as Go's url.Values.Get reads it. */
function first(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

/**
 * `?limit=` as kube-apiserver decodes ListOptions.Limit (strconv.ParseInt, base 10, 64 bits);
 * a value that is not an integer is a 400 with Go's message. Absent, zero or negative: no limit.
 */
function parseLimit(v: unknown): number {
  if (v === undefined) return 0;
  const s = Array.isArray(v) ? String(v[0] ?? '') : String(v);
  if (!/^[+-]?\d+$/.test(s)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(n);
}

function includeObject(q: Record<string, string | undefined>): 'None' | 'Metadata' | 'Object' {
  const v = q.includeObject;
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function send(req: Request, res: Response, code: number, r: ResourceInfo, obj: KubeObject, now: number): void {
  if (wantsTable(req.get('accept'))) {
    const q = req.query as Record<string, string | undefined>;
    return sendJson(res, code, toTable(r, [obj], { now, includeObject: includeObject(q), resourceVersion: obj.metadata.resourceVersion ?? '' }));
  }
  sendJson(res, code, obj);
}

