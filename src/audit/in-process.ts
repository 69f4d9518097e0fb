/**
 * Requests made inside the process: the in-process kubelet's TokenRequests and node
 * registration, the controllers' writes, the library's TokenRequests. kube-apiserver sees these
 * as HTTP requests from the kubelet, kube-controller-manager or its loopback client; satoken
 * records them the same way, each with its own identity, so a test sees rotations as
 * TokenRequests by `system:node:<name>` and the default ServiceAccount created by the
 * service-account controller. They have no source IP.
 */
import { errors, isStatusError } from '../errors/index.js';
import type { ResourceInfo } from '../registry/kinds.js';
import type { ObjectRegistry } from '../registry/object-registry.js';
import type { TokenService } from '../registry/token-service.js';
import type { UserInfo } from '../registry/types.js';
import { EMULATED_KUBERNETES } from '../version.js';
import type { AuditRequest, Auditor } from './auditor.js';
import { ANNOTATIONS } from './types.js';
import { FAULT_ANNOTATION, type FaultReporter } from '../registry/kinds/token-fault.js';

/** The privileged loopback identity kube-apiserver uses for its own requests; the library acts as it. */
export const LOOPBACK_USER: UserInfo = { username: 'system:apiserver', groups: ['system:authenticated', 'system:masters'] };

/** An in-process request, as it would have been sent. */
export interface InProcessRequest {
  user: UserInfo;
  verb: 'create' | 'update' | 'delete';
  resource: Pick<ResourceInfo, 'group' | 'version' | 'resource'>;
  subresource?: string;
  namespace: string;
  name: string;
  /** the body (recorded at level Request) */
  body?: unknown;
  userAgent: string;
}

/**
 * The path a request for `resource` would take.
 * @example
 * requestPath({ group: '', version: 'v1', resource: 'serviceaccounts' }, 'default', 'app', 'token');
 * // '/api/v1/namespaces/default/serviceaccounts/app/token'
 */
export function requestPath(r: InProcessRequest['resource'], namespace: string, name: string, subresource = ''): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return [base, namespace ? `namespaces/${namespace}` : '', r.resource, name, subresource].filter(Boolean).join('/');
}

/** The user agent of a component, as Kubernetes' clients build it (`kubelet/v1.33.1 (linux/amd64) kubernetes/satoken`). */
export function componentUserAgent(component: string, suffix = ''): string {
  const v = EMULATED_KUBERNETES;
  return `${component}/v${v.major}.${v.minor}.${v.patch} (${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}) kubernetes/satoken${suffix ? `/${suffix}` : ''}`;
}

/**
 * The fault reporter of an in-process request (the library's and the kubelets' TokenRequests):
 * the fault's name on its own audit event, when one is recorded.
 * @example
 * auditInProcess(auditor, request, (a) => tokens.issue(ns, name, body, user, auditReporter(a)));
 */
export function auditReporter(a: AuditRequest | undefined): FaultReporter | undefined {
  return a ? (f) => a.annotate(FAULT_ANNOTATION, f.name) : undefined;
}

/**
 * Runs `run` as one recorded request: opened before, completed with the result's code (201 for
 * a create, 200 otherwise) or the error's Status. `run` gets the event (to annotate while it
 * runs: a TokenFault that acted), `after` may annotate it from the result (an issued credential id). Without an auditor, or when no policy records it, `run` just runs.
 * @example
 * const r = await auditInProcess(auditor, { user, verb: 'create', resource: SA, subresource: 'token', namespace, name, body, userAgent }, () => tokens.issue(namespace, name, body, user), (res, a) => a.annotate(ANNOTATIONS.issuedCredentialId, `JTI=${res.issued.jti}`));
 */
export async function auditInProcess<T>(auditor: Auditor | undefined, r: InProcessRequest, run: (a: AuditRequest | undefined) => Promise<T>, after?: (result: T, a: AuditRequest) => unknown): Promise<T> {
  const clock = auditor?.clock;
  const a =
    auditor?.enabled && clock
      ? auditor.begin({
          attributes: { user: r.user, verb: r.verb, namespace: r.namespace, apiGroup: r.resource.group, apiVersion: r.resource.version, resource: r.resource.resource, subresource: r.subresource ?? '', name: r.name, resourceRequest: true, path: requestPath(r.resource, r.namespace, r.name, r.subresource) },
          auditID: auditor.newId(),
          requestURI: requestPath(r.resource, r.namespace, r.name, r.subresource),
          userAgent: r.userAgent,
          receivedAt: clock.now(),
        })
      : undefined;
  if (!a) return run(undefined);
  if (r.body !== undefined) a.requestObject(r.body);
  let result: T;
  try {
    result = await run(a);
  } catch (e) {
    const status = isStatusError(e) ? e : errors.internal(e instanceof Error ? e.message : String(e));
    a.responseObject(status.toStatus());
    a.complete(status.code);
    throw e;
  }
  after?.(result, a);
  a.responseObject(responseOf(result));
  a.complete(r.verb === 'create' ? 201 : 200);
  return result;
}

/** The object a result answers with (a TokenService result carries it as `tokenRequest`). */
function responseOf(result: unknown): unknown {
  if (result && typeof result === 'object' && 'tokenRequest' in result) return (result as { tokenRequest: unknown }).tokenRequest;
  return result;
}

/**
 * The object registry as a controller writing through it: `create`, `update` and `delete` are
 * recorded as requests by `user`; everything else (reads from the cache, watches) passes
 * through unrecorded, as informers read.
 * @example
 * const sa = 'system:serviceaccount:kube-system:service-account-controller';
 * new ServiceAccountController(auditedWrites(objects, auditor, { username: sa }, componentUserAgent('kube-controller-manager', sa)), onError);
 */
export function auditedWrites(objects: ObjectRegistry, auditor: Auditor | undefined, user: UserInfo, userAgent: string): ObjectRegistry {
  if (!auditor?.enabled) return objects;
  const wrap = {
    create: (info: ResourceInfo, namespace: string, input: Parameters<ObjectRegistry['create']>[2], opts?: Parameters<ObjectRegistry['create']>[3]) =>
      auditInProcess(auditor, { user, verb: 'create', resource: info, namespace, name: input.metadata?.name ?? '', body: input, userAgent }, () => objects.create(info, namespace, input, opts)),
    update: (info: ResourceInfo, namespace: string, name: string, input: Parameters<ObjectRegistry['update']>[3], opts?: Parameters<ObjectRegistry['update']>[4]) =>
      auditInProcess(auditor, { user, verb: 'update', resource: info, namespace, name, body: input, userAgent }, () => objects.update(info, namespace, name, input, opts)),
    delete: (info: ResourceInfo, namespace: string, name: string, opts?: Parameters<ObjectRegistry['delete']>[3]) =>
      auditInProcess(auditor, { user, verb: 'delete', resource: info, namespace, name, userAgent }, () => objects.delete(info, namespace, name, opts)),
  } as const;
  return new Proxy(objects, {
    get(target, prop) {
      if (prop === 'create' || prop === 'update' || prop === 'delete') return wrap[prop];
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const SERVICE_ACCOUNTS = { group: '', version: 'v1', resource: 'serviceaccounts' };

/**
 * TokenService.issue as a recorded TokenRequest by `user`, annotated with the credential id it
 * issued (`authentication.kubernetes.io/issued-credential-id: JTI=<jti>`).
 * @example
 * const issue = auditedIssue(cp.tokens, cp.audit.auditor, nodeUser('node-1'), componentUserAgent('kubelet'));
 * const { tokenRequest } = await issue('default', 'app', { spec: { audiences: ['vault'] } });
 */
export function auditedIssue(tokens: Pick<TokenService, 'issue'>, auditor: Auditor | undefined, user: UserInfo, userAgent: string): (namespace: string, name: string, body: unknown) => ReturnType<TokenService['issue']> {
  return (namespace, name, body) =>
    auditInProcess(auditor, { user, verb: 'create', resource: SERVICE_ACCOUNTS, subresource: 'token', namespace, name, body, userAgent }, (a) => tokens.issue(namespace, name, body, user, auditReporter(a)), (r, a) => a.annotate(ANNOTATIONS.issuedCredentialId, `JTI=${r.issued.jti}`));
}
