import { parse as parseYaml } from 'yaml';
import { errors } from '../errors/index.js';
import { decodeKubernetesProtobuf, isProtobufContentType } from './codecs/protobuf.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type BodyFormat = 'json' | 'yaml' | 'protobuf' | 'merge-patch' | 'strategic-merge-patch' | 'json-patch' | 'apply-patch';

export function formatOf(contentType: string | undefined): BodyFormat | undefined {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (ct) {
    case '':
    case 'application/json':
      return 'json';
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return 'yaml';
    case 'application/merge-patch+json':
      return 'merge-patch';
    case 'application/strategic-merge-patch+json':
      return 'strategic-merge-patch';
    case 'application/json-patch+json':
      return 'json-patch';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return ct.endsWith('yaml') ? 'apply-patch' : undefined;
    default:
      return isProtobufContentType(ct) ? 'protobuf' : undefined;
  }
}

/**
 * Decodes a request body by its Content-Type: JSON, YAML or Kubernetes protobuf (what kubectl
 * 1.32+ sends). Malformed bodies are a 400; unknown media types a 415.
 */
export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  const format = formatOf(contentType);
  if (!format) throw errors.unsupportedMediaType();
  if (raw.length === 0) return undefined;
  if (format === 'protobuf') return decodeKubernetesProtobuf(raw).object;
  const text = raw.toString('utf8');
  if (format === 'yaml' || format === 'apply-patch') {
    try {
      return parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}
