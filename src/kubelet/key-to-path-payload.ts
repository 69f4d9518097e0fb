import type { ConfigMap, KeyToPath, Secret } from '../registry/types.js';
import type { FileProjection } from './atomic-writer.js';

/**
 * `configmap.MakePayload` (pkg/volume/configmap): without items, every `data` key (UTF-8) then every
 * `binaryData` key (base64) becomes a file with the default mode; with items, each item's key (from
 * `data`, else `binaryData`) goes to its path with its own mode or the default. A missing key is
 * skipped when the source is optional, otherwise
 * `configmap references non-existent config key: <key>`.
 * @example
 * configMapPayload([{ key: 'ca.crt', path: 'ca.crt' }], rootCa, 0o644, false);
 */
export function configMapPayload(
  items: readonly KeyToPath[] | undefined,
  configMap: ConfigMap,
  defaultMode: number,
  optional: boolean,
): Map<string, FileProjection> {
  const lookup = (key: string): Buffer | undefined => {
    const text = configMap.data?.[key];
    if (text !== undefined) return Buffer.from(text, 'utf8');
    const binary = configMap.binaryData?.[key];
    return binary === undefined ? undefined : Buffer.from(binary, 'base64');
  };
  const keys = [...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})];
  return keyToPath(items, keys, lookup, defaultMode, optional, (key) => `configmap references non-existent config key: ${key}`);
}

/**
 * `secret.MakePayload` (pkg/volume/secret): as {@link configMapPayload} over the Secret's base64
 * `data`; a missing key: `references non-existent secret key: <key>`.
 * @example
 * secretPayload(undefined, tlsSecret, 0o644, false); // tls.crt, tls.key
 */
export function secretPayload(
  items: readonly KeyToPath[] | undefined,
  secret: Secret,
  defaultMode: number,
  optional: boolean,
): Map<string, FileProjection> {
  const lookup = (key: string): Buffer | undefined => {
    const value = secret.data?.[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64');
  };
  return keyToPath(items, Object.keys(secret.data ?? {}), lookup, defaultMode, optional, (key) => `references non-existent secret key: ${key}`);
}

function keyToPath(
  items: readonly KeyToPath[] | undefined,
  allKeys: readonly string[],
  lookup: (key: string) => Buffer | undefined,
  defaultMode: number,
  optional: boolean,
  missing: (key: string) => string,
): Map<string, FileProjection> {
  const payload = new Map<string, FileProjection>();
  if (!items || items.length === 0) {
    for (const key of allKeys) payload.set(key, { data: lookup(key)!, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const data = lookup(item.key);
    if (data === undefined) {
      if (optional) continue;
      throw new Error(missing(item.key));
    }
    payload.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
  return payload;
}
