import { parseAllDocuments } from 'yaml';
import { errors } from './errors/index.js';
import { type ResourceInfo, RESOURCES, kindInfo, parseApiVersion } from './registry/kinds.js';
import type { KubeObject } from './registry/types.js';

/** Accepts an object, a list of objects, a `List`, or YAML/JSON text with one or more documents. */
export function objectsOf(input: unknown): KubeObject[] {
  if (typeof input === 'string') {
    const docs = parseAllDocuments(input);
    const out: KubeObject[] = [];
    for (const d of docs) {
      if (d.errors.length) throw errors.badRequest(`invalid YAML: ${d.errors[0]!.message}`);
      const v = d.toJS() as unknown;
      if (v !== null && v !== undefined) out.push(...objectsOf(v));
    }
    return out;
  }
  if (Array.isArray(input)) return input.flatMap(objectsOf);
  if (!input || typeof input !== 'object') throw errors.badRequest('expected a Kubernetes object, a list of them, or YAML');
  const o = input as KubeObject & { items?: unknown[] };
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) return o.items.flatMap(objectsOf);
  return [o];
}

/** The resource an object belongs to, from its kind and apiVersion. */
export function resourceOf(o: KubeObject): ResourceInfo {
  const kind = String(o.kind ?? '');
  const { group } = parseApiVersion(o.apiVersion);
  const info = kindInfo(kind, group) ?? (o.apiVersion ? undefined : kindInfo(kind));
  if (!info) throw errors.badRequest(`no kind "${kind}" is registered for version "${o.apiVersion ?? ''}"`);
  return info;
}

/** Accepts `Pod`, `pod`, `pods`, `po` and the like. */
export function resourceByName(kindOrResource: string): ResourceInfo {
  const k = kindOrResource.toLowerCase();
  const info = kindInfo(kindOrResource) ?? RESOURCES.find((r) => r.kind.toLowerCase() === k || r.resource === k || r.singular === k || r.shortNames.includes(k));
  if (!info) throw errors.badRequest(`the server doesn't have a resource type "${kindOrResource}"`);
  return info;
}
