import fjp from 'fast-json-patch';
import { errors } from '../errors/index.js';
import type { BodyFormat } from './media.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: { [k: string]: Json } = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/**
 * Merge keys of the lists kubectl patches strategically (from k8s.io/api `patchMergeKey` tags);
 * lists not named here are replaced whole, as for atomic lists.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  secrets: 'name',
  ownerReferences: 'uid',
  tolerations: 'key',
  conditions: 'type',
};

/**
 * Strategic merge patch as kubectl sends it (apimachinery/pkg/util/strategicpatch): maps merge
 * recursively, lists with a merge key merge by it, `$patch: delete|replace`,
 * `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` directives, `$retainKeys`.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    void _p;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return null;
  let out: { [k: string]: Json } = isObject(target) ? { ...target } : {};
  const retain = Array.isArray(patch.$retainKeys) ? new Set(patch.$retainKeys as string[]) : undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$retainKeys' || k === '$patch' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const remove = new Set((Array.isArray(v) ? v : []).map((x) => JSON.stringify(x)));
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !remove.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const mergeKey = MERGE_KEYS[k];
    if (Array.isArray(v) && mergeKey && Array.isArray(out[k])) out[k] = mergeList(out[k] as Json[], v, mergeKey);
    else if (isObject(v)) out[k] = strategicMergePatch(out[k] ?? null, v);
    else out[k] = Array.isArray(v) ? v.map((x) => (isObject(x) ? stripDirectives(x) : x)) : v;
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = k.slice('$setElementOrder/'.length);
    const mergeKey = MERGE_KEYS[field];
    const cur = out[field];
    if (!Array.isArray(cur)) continue;
    const keyOf = (x: Json) => JSON.stringify(mergeKey && isObject(x) ? x[mergeKey] : x);
    const rank = new Map(order.map((x, i) => [keyOf(x), i]));
    out[field] = [...cur].sort((a, b) => (rank.get(keyOf(a)) ?? Infinity) - (rank.get(keyOf(b)) ?? Infinity));
  }
  if (retain) out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.has(k)));
  return out;
}

function mergeList(cur: Json[], patch: Json[], key: string): Json[] {
  const out = [...cur];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const idx = out.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMergePatch(out[idx]!, item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(o: { [k: string]: Json }): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(o)) if (!k.startsWith('$')) out[k] = isObject(v) ? stripDirectives(v) : v;
  return out;
}

/** Applies a PATCH body of the given kind to a copy of `current`. */
export function applyPatch(current: object, patch: unknown, format: BodyFormat): Record<string, unknown> {
  const base = structuredClone(current) as Json;
  switch (format) {
    case 'merge-patch':
    case 'apply-patch':
      return mustBeObject(mergePatch(base, patch as Json));
    case 'strategic-merge-patch':
      return mustBeObject(strategicMergePatch(base, patch as Json));
    case 'json-patch': {
      if (!Array.isArray(patch)) throw errors.badRequest('the JSON patch must be an array of operations');
      try {
        return mustBeObject(fjp.applyPatch(base, patch as fjp.Operation[], true, false).newDocument as Json);
      } catch (e) {
        throw errors.badRequest(`the server rejected our request due to an error in our request: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    default:
      throw errors.unsupportedMediaType();
  }
}

function mustBeObject(v: Json): Record<string, unknown> {
  if (!isObject(v)) throw errors.badRequest('the patch produced something that is not an object');
  return v;
}

function isObject(v: unknown): v is { [k: string]: Json } {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
