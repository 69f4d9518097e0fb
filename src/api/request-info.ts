/**
 * What a request asks for, as kube-apiserver's RequestInfoFactory reads it from method and path
 * (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go). Authorization and the
 * routers both start from this.
 */
export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; for non-resource requests the lower-case method */
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function requestInfo(method: string, path: string, query: Record<string, unknown>): RequestInfo {
  const info: RequestInfo = { isResourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '' };
  let parts = path.replace(/^\/+|\/+$/g, '').split('/').filter((p) => p !== '');
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return info;
  info.apiPrefix = parts[0]!;
  parts = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (parts.length < 3) return info;
    info.apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  info.apiVersion = parts[0]!;
  parts = parts.slice(1);
  info.isResourceRequest = true;
  switch (method.toUpperCase()) {
    case 'POST':
      info.verb = 'create';
      break;
    case 'GET':
    case 'HEAD':
      info.verb = 'get';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = 'delete';
      break;
    default:
      info.verb = '';
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = decodeURIComponent(parts[1]!);
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  info.resource = parts[0] ?? '';
  if (parts.length >= 2) info.name = decodeURIComponent(parts[1]!);
  if (parts.length >= 3) info.subresource = parts[2]!;
  if (parts.length < 2 && info.verb === 'get') info.verb = isTrue(query.watch) ? 'watch' : 'list';
  if (parts.length < 2 && info.verb === 'delete') info.verb = 'deletecollection';
  if ((info.verb === 'list' || info.verb === 'watch') && typeof query.fieldSelector === 'string') {
    const m = /(?:^|,)metadata\.name(?:==?)([^,]+)/.exec(query.fieldSelector);
    if (m) info.name = m[1]!;
  }
  return info;
}

export function isTrue(v: unknown): boolean {
  return v === 'true' || v === '1' || v === true;
}
