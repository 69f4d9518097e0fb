import type { Request, Response } from 'express';
import type { ObjectRegistry } from '../../registry/object-registry.js';
import type { KindSchemas } from '../../registry/schema/index.js';
import { requestKindObject } from '../body.js';
import { requestContext } from '../context.js';
import { sendJson } from '../respond.js';

/** What the binding route uses of the control plane. */
export interface BindingDeps {
  objects: ObjectRegistry;
  schemas: KindSchemas;
  /** resolves when controllers (the kubelet agents among the idle hooks) have caught up */
  idle(): Promise<void>;
}

/**
 * `POST /api/v1/namespaces/{ns}/pods/{name}/binding`: a v1 Binding decoded as every body is
 * (strict decoding by `fieldValidation`), handed to the registry (registry/pod-binding.ts), and
 * answered as kube-apiserver answers BindingREST.Create: 201 with `Status{status: Success}`.
 * @example
 * // curl -X POST .../pods/web/binding -d '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"web"},"target":{"kind":"Node","name":"node-1"}}'
 */
export async function createBinding(deps: BindingDeps, req: Request, res: Response): Promise<void> {
  const ctx = requestContext(req);
  const { object, dryRun } = requestKindObject(req, deps.schemas, { group: '', version: 'v1', kind: 'Binding' }, 'CreateOptions');
  await deps.objects.bind(ctx.info.namespace, ctx.info.name, object as never, { dryRun, user: ctx.user });
  await deps.idle();
  sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
