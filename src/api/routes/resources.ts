import type { Request, Response } from 'express';
import { errors } from '../../errors/index.js';
import type { Emulator } from '../../emulator.js';
import { type ResourceInfo, apiVersionOf, resourceInfo } from '../../registry/kinds.js';
import type { ObjectList } from '../../registry/object-registry.js';
import type { KubeObject } from '../../registry/types.js';
import { toTable, wantsTable } from '../discovery/index.js';
import { decodeBody, formatOf } from '../media.js';
import { applyPatch } from '../patch.js';
import type { RequestInfo } from '../request-info.js';
import { sendJson } from '../respond.js';
import { serveWatch } from './watch.js';

export interface ResourceContext {
  emulator: Emulator;
}

/**
 * CRUD, list and watch for every kind in registry/kinds.ts, under the real Kubernetes paths.
 * The registry does the work; this translates HTTP to it and back (Tables when asked).
 */
export async function handleResource(ctx: ResourceContext, info: RequestInfo, req: Request, res: Response): Promise<void> {
  const r = resourceInfo(info.apiGroup, info.resource);
  if (!r || r.version !== info.apiVersion) throw errors.pageNotFound();
  if (info.subresource) throw errors.pageNotFound();
  if (r.namespaced === false && info.namespace && info.resource !== 'namespaces') throw errors.pageNotFound();
  const reg = ctx.emulator.registry;
  const ns = r.namespaced ? info.namespace : '';
  const user = res.locals.user;
  const dryRun = req.query.dryRun !== undefined && req.query.dryRun !== '';
  const q = req.query as Record<string, string | undefined>;
  res.locals.now = ctx.emulator.clock.now();
  switch (info.verb) {
    case 'get':
      return send(req, res, 200, r, reg.get(r, ns || undefined, info.name));
    case 'list': {
      const list = reg.list(r, ns || undefined, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: parseLimit(req.query.limit), continue: first(req.query.continue), resourceVersion: first(req.query.resourceVersion) });
      const metadata = listMeta(list);
      if (wantsTable(req.get('accept'))) {
        const table = toTable(r, list.items, { now: ctx.emulator.clock.now(), includeObject: includeObject(q), resourceVersion: list.resourceVersion });
        return sendJson(res, 200, { ...table, metadata });
      }
      return sendJson(res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r), metadata, items: list.items });
    }
    case 'watch':
      return serveWatch(ctx.emulator, r, ns || undefined, req, res);
    case 'create': {
      const body = decodeBody(req.body as Buffer, req.get('content-type')) as KubeObject;
      const created = await reg.create(r, ns, body ?? ({} as KubeObject), { dryRun, user });
      await ctx.emulator.idle();
      return send(req, res, 201, r, created);
    }
    case 'update': {
      const body = decodeBody(req.body as Buffer, req.get('content-type')) as KubeObject;
      const updated = await reg.update(r, ns, info.name, body ?? ({} as KubeObject), { dryRun, user });
      await ctx.emulator.idle();
      return send(req, res, 200, r, updated);
    }
    case 'patch': {
      const format = formatOf(req.get('content-type'));
      if (!format || format === 'json' || format === 'yaml' || format === 'protobuf') throw errors.unsupportedMediaType();
      const patch = decodeBody(req.body as Buffer, req.get('content-type'));
      const current = reg.peek(r, ns || undefined, info.name);
      if (!current) {
        if (format !== 'apply-patch') throw errors.notFound(r.resource, info.name, r.group);
        const created = await reg.create(r, ns, { ...(patch as KubeObject), metadata: { ...((patch as KubeObject)?.metadata ?? {}), name: info.name } }, { dryRun, user });
        await ctx.emulator.idle();
        return send(req, res, 201, r, created);
      }
      const next = applyPatch(current, patch, format) as KubeObject;
      next.metadata = { ...(next.metadata ?? {}), resourceVersion: current.metadata.resourceVersion };
      const updated = await reg.update(r, ns, info.name, next, { dryRun, user });
      await ctx.emulator.idle();
      return send(req, res, 200, r, updated);
    }
    case 'delete': {
      const body = req.body && (req.body as Buffer).length ? (decodeBody(req.body as Buffer, req.get('content-type')) as { preconditions?: { uid?: string; resourceVersion?: string } }) : undefined;
      const deleted = await reg.delete(r, ns, info.name, { dryRun, user, ...(body?.preconditions ? { preconditions: body.preconditions } : {}) });
      await ctx.emulator.idle();
      return send(req, res, 200, r, deleted);
    }
    case 'deletecollection': {
      const items = reg.list(r, ns || undefined, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector }).items;
      const deleted: KubeObject[] = [];
      for (const o of items) deleted.push(await reg.delete(r, o.metadata.namespace ?? '', o.metadata.name!, { dryRun, user }));
      await ctx.emulator.idle();
      return sendJson(res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(reg.store.revision()) }, items: deleted });
    }
    default:
      throw errors.methodNotAllowed();
  }
}

/** ListMeta in Go's member order: resourceVersion, continue, remainingItemCount (the last two only on a page with more after it). */
function listMeta(list: ObjectList): { resourceVersion: string; continue?: string; remainingItemCount?: number } {
  if (list.continue === undefined) return { resourceVersion: list.resourceVersion };
  return list.remainingItemCount === undefined ? { resourceVersion: list.resourceVersion, continue: list.continue } : { resourceVersion: list.resourceVersion, continue: list.continue, remainingItemCount: list.remainingItemCount };
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

function send(req: Request, res: Response, code: number, r: ResourceInfo, obj: KubeObject): void {
  const now = (res.locals.now as number | undefined) ?? 0;
  if (wantsTable(req.get('accept'))) {
    const q = req.query as Record<string, string | undefined>;
    return sendJson(res, code, toTable(r, [obj], { now, includeObject: includeObject(q), resourceVersion: obj.metadata.resourceVersion ?? '' }));
  }
  sendJson(res, code, obj);
}

