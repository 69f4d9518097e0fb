import type { Pod } from '../registry/types.js';
import type { FileProjection } from './atomic-writer.js';
import { goQuote } from '../util/go-format.js';
import { aggregateErrors } from './kubelet-errors.js';
import { cleanPath } from './payload-paths.js';

/**
 * An item of a `downwardAPI` projection.
 * @example
 * const item: DownwardApiItem = { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } };
 */
export interface DownwardApiItem {
  path: string;
  fieldRef?: { apiVersion?: string; fieldPath: string };
  mode?: number;
}

/**
 * `FormatMap` (pkg/fieldpath): one `key="value"` line per entry, keys sorted, values Go-quoted.
 * @example
 * formatMap({ b: '2', a: '1' }); // 'a="1"\nb="2"'
 */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k]!)}`)
    .join('\n');
}

/**
 * The value of a `fieldRef` (`ExtractFieldPathAsString`, pkg/fieldpath/fieldpath.go): `metadata.name`,
 * `metadata.namespace`, `metadata.uid`, `metadata.labels`, `metadata.annotations` (whole maps via
 * {@link formatMap}, or one key as `metadata.labels['k']`), and, beyond upstream's volume support,
 * `spec.serviceAccountName` and `spec.nodeName` (the kubelet only offers these two to environment
 * variables; API validation rejects them in volumes). Anything else: `unsupported fieldPath: <p>`.
 * @example
 * extractPodField(pod, 'metadata.namespace'); // 'default'
 */
export function extractPodField(pod: Pod, fieldPath: string): string {
  const sub = /^(.+)\['(.*)'\]$/s.exec(fieldPath);
  if (sub) {
    const [, path, key] = sub;
    if (path === 'metadata.annotations') return pod.metadata.annotations?.[key!] ?? '';
    if (path === 'metadata.labels') return pod.metadata.labels?.[key!] ?? '';
    throw new Error(`fieldPath ${goQuote(fieldPath)} does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

/**
 * `downwardapi.CollectData` for `fieldRef` items: each item's path (cleaned) gets the field's value,
 * with the item's mode or the volume's default; failures are aggregated after every item was tried.
 * @example
 * downwardApiPayload([{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }], pod, 0o644);
 */
export function downwardApiPayload(items: readonly DownwardApiItem[], pod: Pod, defaultMode: number): Map<string, FileProjection> {
  const payload = new Map<string, FileProjection>();
  const errs: Error[] = [];
  for (const item of items) {
    let data = Buffer.alloc(0);
    if (item.fieldRef) {
      try {
        data = Buffer.from(extractPodField(pod, item.fieldRef.fieldPath));
      } catch (err) {
        errs.push(err as Error);
      }
    }
    payload.set(cleanPath(item.path), { data, mode: item.mode ?? defaultMode });
  }
  if (errs.length) throw new Error(aggregateErrors(errs));
  return payload;
}
