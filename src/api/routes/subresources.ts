import type { Request, Response } from 'express';
import { errors } from '../../errors/index.js';
import { type ResourceInfo, subresourceInfo } from '../../registry/kinds.js';
import type { KubeObject } from '../../registry/types.js';
import { requestKindObject } from '../body.js';
import { requestContext } from '../context.js';
import { scaleTable, toTable, wantsTable } from '../discovery/index.js';
import { patchFormatOf, unsupportedPatchType } from '../media.js';
import { applyPatchRequest } from '../patch.js';
import { sendJson } from '../respond.js';
import type { Clock } from '../../clock/index.js';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import { type KindSchemas, validateWriteOptions, writeOptionsFromQuery } from '../../registry/schema/index.js';

/** the kind a `scale` subresource reads and writes */
const SCALE = { group: 'autoscaling', version: 'v1', kind: 'Scale' } as const;

/** What the subresource routes use of the control plane (api/routes/resources.ts passes its deps). */
export interface SubresourceDeps {
  objects: ObjectRegistry;
  clock: Clock;
  /** resolves when controllers have caught up with a write */
  idle(): Promise<void>;
  /** bodies and patch results are decoded against the schema of the kind the subresource answers */
  schemas: KindSchemas;
}

/**
 * The `status` and `scale` subresources of the stored kinds (`/…/<resource>/<name>/status|scale`),
 * as kube-apiserver serves them: GET, PUT and PATCH (any other verb is a 405), the registry's
 * status and scale semantics (registry/lifecycle.ts, registry/scale.ts) doing the work.
 * - `status` answers the object itself (a Table of its kind when asked); PUT and PATCH change
 *   only its status.
 * - `scale` answers an autoscaling/v1 Scale (a Scale Table when asked); PUT and PATCH set the
 *   workload's `spec.replicas` (a patch applies to the Scale, as `kubectl scale` sends it).
 * A subresource the kind does not serve, or a path with more segments, is a 404.
 */
export async function handleSubresource(deps: SubresourceDeps, r: ResourceInfo, req: Request, res: Response): Promise<void> {
  const ctx = requestContext(req);
  const info = ctx.info;
  const sub = info.subresource;
  if (!subresourceInfo(r, sub) || (sub !== 'status' && sub !== 'scale') || info.parts.length !== 3 || !info.name) throw errors.pageNotFound();
  const reg = deps.objects;
  const ns = r.namespaced ? info.namespace : '';
  const opts = { dryRun: ctx.query.all('dryRun').length > 0, user: ctx.user };
  const gvk = sub === 'scale' ? SCALE : { group: r.group, version: r.version, kind: r.kind };
  const now = deps.clock.now();
  const includeObject = req.query.includeObject === 'None' || req.query.includeObject === 'Object' ? (req.query.includeObject as 'None' | 'Object') : 'Metadata';
  const send = (obj: KubeObject) => {
    if (!wantsTable(req.get('accept'))) return sendJson(res, 200, obj);
    const table = sub === 'scale' ? scaleTable(obj, { now, includeObject }) : toTable(r, [obj], { now, includeObject, resourceVersion: obj.metadata.resourceVersion ?? '' });
    sendJson(res, 200, table);
  };
  const current = (): KubeObject => (sub === 'scale' ? reg.getScale(r, ns, info.name) : reg.get(r, ns || undefined, info.name));
  const write = async (body: KubeObject): Promise<KubeObject> => {
    const out = sub === 'scale' ? await reg.updateScale(r, ns, info.name, body, opts) : await reg.updateStatus(r, ns, info.name, body, opts);
    await deps.idle();
    return out;
  };
  switch (info.verb) {
    case 'get':
      return send(current());
    case 'update':
      return send(await write(requestKindObject(req, deps.schemas, gvk, 'UpdateOptions').object as KubeObject));
    case 'patch': {
      const format = patchFormatOf(req.get('content-type'));
      if (!format) throw unsupportedPatchType();
      const fieldValidation = validateWriteOptions('PatchOptions', { ...writeOptionsFromQuery(ctx.query), applyPatch: format === 'apply-patch' });
      const base = current();
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const patched = applyPatchRequest({ format, body, current: base as unknown as Record<string, unknown>, fieldValidation, schemas: deps.schemas, ...gvk });
      ctx.warnings.push(...patched.warnings);
      const next = patched.object as KubeObject;
      next.metadata = { ...(next.metadata ?? {}), resourceVersion: base.metadata.resourceVersion };
      return send(await write(next));
    }
    default:
      throw errors.methodNotAllowed();
  }
}
