import { randomUUID } from 'node:crypto';
import type { FieldError } from '../../../src/errors/index.js';
import { kindInfo } from '../../../src/registry/kinds.js';
import { prepareCreate, prepareUpdate } from '../../../src/registry/lifecycle.js';
import type { KubeObject } from '../../../src/registry/types.js';
import { validateObjectMeta } from '../../../src/registry/validation/object-meta.js';
import { strategyFor } from '../../../src/registry/validation/strategies.js';

/**
 * Runs a kind's strategy as ObjectRegistry does (UID, PrepareForCreate or PrepareForUpdate,
 * the status and generation of registry/lifecycle.ts, defaulting, ObjectMeta, Validate,
 * ValidateUpdate), without a store.
 */
export interface Outcome {
  obj: KubeObject;
  errs: FieldError[];
  /** the aggregated message, `[a, b]` for several, as Kubernetes prints it */
  message: string;
}

function outcome(obj: KubeObject, errs: FieldError[]): Outcome {
  const msgs = errs.map((e) => e.toString());
  return { obj, errs, message: msgs.length === 1 ? msgs[0]! : msgs.length ? `[${msgs.join(', ')}]` : '' };
}

export function create(kind: string, input: Record<string, unknown>): Outcome {
  const obj = structuredClone(input) as KubeObject;
  obj.metadata = { namespace: 'default', ...(obj.metadata ?? {}) };
  obj.metadata.uid = randomUUID();
  const s = strategyFor(kind);
  s.prepareForCreate?.(obj);
  prepareCreate(kindInfo(kind)!, obj);
  s.defaults?.(obj);
  const errs = validateObjectMeta(obj.metadata, true, s.nameValidator);
  errs.push(...(s.validate?.(obj) ?? []));
  return outcome(obj, errs);
}

/** An update of `old` (a created object) to `next` (its uid, creationTimestamp and resourceVersion carried over). */
export function update(kind: string, next: Record<string, unknown>, old: KubeObject): Outcome {
  const obj = structuredClone(next) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), namespace: old.metadata.namespace, name: old.metadata.name, uid: old.metadata.uid };
  const s = strategyFor(kind);
  s.prepareForUpdate?.(obj, old);
  s.defaults?.(obj);
  prepareUpdate(kindInfo(kind)!, obj, old);
  const errs = validateObjectMeta(obj.metadata, true, s.nameValidator);
  errs.push(...(s.validate?.(obj) ?? []));
  errs.push(...(s.validateUpdate?.(obj, old) ?? []));
  return outcome(obj, errs);
}
