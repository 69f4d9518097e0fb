import type { Request } from 'express';
import { type FieldValidation, KindSchemas, type OptionsKind, decodeObject, validateWriteOptions, writeOptionsFromQuery } from '../registry/schema/index.js';
import { checkTypeMeta } from '../registry/type-meta.js';
import { requestContext } from './context.js';
import { decodeBody, readBody } from './media.js';

const EMPTY = Buffer.alloc(0);

/**
 * The one body decoder of the HTTP layer: the request body decoded by its Content-Type (JSON,
 * YAML, Kubernetes protobuf; api/media.ts), undefined when empty.
 * @example
 * const patch = requestBody(req);
 */
export function requestBody(req: Request): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body : EMPTY;
  return decodeBody(raw, req.headers['content-type']);
}

/**
 * The body as an object of `kind` in `apiVersion` (registry/type-meta.ts checks both, with
 * kube-apiserver's messages); `{}` when the body is empty.
 * @example
 * const review = requestObject(req, 'SelfSubjectAccessReview', 'authorization.k8s.io/v1');
 */
export function requestObject(req: Request, kind: string, apiVersion: string | undefined): Record<string, unknown> {
  if (apiVersion === undefined) {
    const b = requestBody(req) ?? {};
    checkTypeMeta(b, kind, apiVersion);
    return b;
  }
  const slash = apiVersion.indexOf('/');
  const gvk = { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
  return requestKindObject(req, BUILTIN_SCHEMAS, gvk, 'CreateOptions').object;
}

/** The schemas of the built-in kinds, for endpoints whose kinds no one can register (reviews). */
const BUILTIN_SCHEMAS = new KindSchemas();

/** What {@link requestKindObject} decoded, and the options that came with it. */
export interface KindObject {
  object: Record<string, unknown>;
  /** `dryRun=All` was given (and validated) */
  dryRun: boolean;
  fieldValidation: FieldValidation;
}

/**
 * The body of a create or update, decoded as kube-apiserver decodes it (registry/schema): the
 * write options validated first (`dryRun`, `fieldValidation`, `fieldManager`: 422 on the options
 * kind), then the body read by its Content-Type, its kind and apiVersion checked, and decoded
 * against the kind's schema with the query's `fieldValidation` (default Warn: one warning per
 * unknown or duplicate field, added to the request context; Strict: 400). Protobuf bodies carry
 * no unknown fields and are taken as decoded. An empty body is `{}`.
 * @example
 * const { object, dryRun } = requestKindObject(req, cp.schemas, { group: '', version: 'v1', kind: 'Pod' }, 'CreateOptions');
 */
export function requestKindObject(req: Request, schemas: KindSchemas, gvk: { group: string; version: string; kind: string }, options: OptionsKind): KindObject {
  const ctx = requestContext(req);
  const fieldValidation = validateWriteOptions(options, writeOptionsFromQuery(ctx.query));
  const dryRun = ctx.query.all('dryRun').length > 0;
  const raw = Buffer.isBuffer(req.body) ? req.body : EMPTY;
  const parsed = readBody(raw, req.headers['content-type'], { intoKind: gvk.kind });
  const value = parsed.value ?? {};
  checkTypeMeta(value, gvk.kind, gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version);
  if (parsed.format === 'protobuf') return { object: value, dryRun, fieldValidation };
  const decoded = decodeObject({ schemas, ...gvk, value, yamlDuplicateKeys: parsed.yamlDuplicateKeys, fieldValidation });
  ctx.warnings.push(...decoded.warnings);
  return { object: decoded.object, dryRun, fieldValidation };
}
