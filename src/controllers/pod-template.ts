import type { ResourceInfo } from '../registry/kinds.js';
import { semanticEqual } from '../registry/semantic-equal.js';
import type { KubeObject, Pod } from '../registry/types.js';
import { fnv32a } from '../util/fnv.js';
import { newControllerRef } from './controller-ref.js';

/** `apps.DefaultDeploymentUniqueLabelKey` */
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** `rand.SafeEncodeString`'s alphabet: no vowels, no 0, 1 or 3, so no words form */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** A pod template as workloads carry it. */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

/**
 * `controller.GetPodFromTemplate` (pkg/controller/controller_utils.go): a pod with the
 * template's labels, annotations, finalizers and spec, `generateName: <owner>-` and the
 * owner's controller reference.
 * @example
 * const pod = podFromTemplate(rs.spec.template, rs, kindInfo('ReplicaSet')!); // generateName 'web-7d9f8c-'
 */
export function podFromTemplate(template: PodTemplate | undefined, owner: KubeObject, ownerInfo: ResourceInfo): Pod {
  const meta = template?.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: `${owner.metadata.name ?? ''}-`, ownerReferences: [newControllerRef(owner, ownerInfo)] },
    spec: structuredClone((template?.spec ?? {}) as Pod['spec']),
  };
  if (meta.labels && Object.keys(meta.labels).length) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata.annotations = { ...meta.annotations };
  if (Array.isArray(meta.finalizers) && meta.finalizers.length) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

/**
 * `rand.SafeEncodeString`: each character mapped into an alphabet that cannot spell words.
 * @example
 * safeEncodeString('1234'); // '5678'
 */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

/** JSON with object members sorted: one byte string per value, however its members were ordered. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * `controller.ComputeHash`: FNV-32a over the template, then over the collision count as four
 * little-endian bytes when there is one, written as `SafeEncodeString` of the decimal sum. The
 * shape (alphabet, length up to 10, collision handling) is Kubernetes'; the bytes hashed are the
 * template's canonical JSON, not Go's spew dump of its struct, so the values differ from a cluster's.
 * @example
 * computeHash(deployment.spec.template, undefined); // e.g. '5d8b7b9c46'
 */
export function computeHash(template: PodTemplate | undefined, collisionCount: number | undefined): string {
  let h = fnv32a(new TextEncoder().encode(canonical(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** `deploymentutil.EqualIgnoreHash`: the templates are semantically equal once their pod-template-hash labels are dropped. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  const strip = (t: PodTemplate | undefined) => {
    const c = structuredClone(t ?? {});
    if (c.metadata?.labels) {
      delete c.metadata.labels[POD_TEMPLATE_HASH];
      if (!Object.keys(c.metadata.labels).length) delete c.metadata.labels;
    }
    return c;
  };
  return semanticEqual(strip(a), strip(b));
}
