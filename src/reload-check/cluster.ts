/**
 * What a reload check asks of the server, over its HTTP API with the caller's (admin)
 * credentials: namespaces, the service account, the pods, TokenRequests as the kubelet sends
 * them, the ConfigMaps a projected volume reads, and the request recorder
 * (`GET /debug/audit/events`, cluster-admin only). The CLI and the library (through
 * `emulator.listen()`) use the same calls.
 */
import { apiRequest, apiStream, type ApiResponse, TransportError } from '../client/api-client.js';
import type { Connection } from '../client/kubeconfig.js';
import { AUDIT_EVENTS_PATH } from '../audit/events-endpoint.js';
import type { AuditEvent } from '../audit/types.js';
import type { ConfigMap, Pod, Secret, TokenRequest } from '../registry/types.js';
import { setupError } from './errors.js';

/** The User-Agent of the check's own requests: never mistaken for the program's. */
export const CHECK_USER_AGENT = 'satoken-reload-check';
const TIMEOUT_MS = 15_000;

/**
 * The server as the check uses it.
 * @example
 * const cluster = httpCluster(resolveConnection({}));
 * await cluster.ensureServiceAccount('default', 'reload-check');
 */
export interface CheckCluster {
  readonly server: string;
  /** creates the namespace when missing; true when it did */
  ensureNamespace(namespace: string): Promise<boolean>;
  /** creates the service account when missing; true when it did */
  ensureServiceAccount(namespace: string, name: string): Promise<boolean>;
  /** the pod as admission made it (with its `kube-api-access-*` volume and its uid) */
  createPod(pod: Pod): Promise<Pod>;
  /** deletes at once (grace period 0); a pod already gone is fine */
  deletePod(namespace: string, name: string): Promise<void>;
  /** the TokenRequest the kubelet would send, answered */
  requestToken(namespace: string, serviceAccount: string, tr: TokenRequest): Promise<TokenRequest>;
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /** fails with a set-up error unless the recorder can be read (on, and these credentials may) */
  checkRecorder(): Promise<void>;
  /** the recorded requests received at or after `since` (epoch ms) */
  listRequests(since: number): Promise<AuditEvent[]>;
  /** streams each request recorded from `since` on until `signal` aborts; rejects if the stream breaks */
  followRequests(since: number, onEvent: (ev: AuditEvent) => void, signal: AbortSignal): Promise<void>;
}

type Json = Record<string, unknown>;

function messageOf(res: ApiResponse): string {
  try {
    return (res.json<{ message?: string }>().message ?? res.body).trim();
  } catch {
    return res.body.trim().slice(0, 200);
  }
}

/**
 * The {@link CheckCluster} of a connection. A server that cannot be reached, or that refuses a
 * call, is a set-up error naming the call and the server's message.
 * @example
 * const cluster = httpCluster({ server: 'https://127.0.0.1:6443', token, caData });
 */
export function httpCluster(conn: Connection): CheckCluster {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    try {
      return await apiRequest(conn, method, path, body, { timeoutMs: TIMEOUT_MS, headers: { 'User-Agent': CHECK_USER_AGENT } });
    } catch (e) {
      if (e instanceof TransportError) throw setupError(`cannot reach the server at ${conn.server}: ${e.message.replace(/^https?:\/\/[^:]+:\d+: /, '')}`, e);
      throw e;
    }
  };
  const expect = async <T>(what: string, method: string, path: string, body?: unknown, ok: (status: number) => boolean = (s) => s >= 200 && s < 300): Promise<{ status: number; value: T | undefined }> => {
    const res = await call(method, path, body);
    if (!ok(res.status)) throw setupError(`${what}: the server answered ${res.status}: ${messageOf(res)}`);
    return { status: res.status, value: res.status >= 200 && res.status < 300 && res.body ? res.json<T>() : undefined };
  };
  const ns = (n: string) => `/api/v1/namespaces/${encodeURIComponent(n)}`;
  const ensure = async (what: string, getPath: string, createPath: string, object: Json): Promise<boolean> => {
    const got = await call('GET', getPath);
    if (got.status === 200) return false;
    if (got.status !== 404) throw setupError(`${what}: the server answered ${got.status}: ${messageOf(got)}`);
    const created = await call('POST', createPath, object);
    // created meanwhile by someone else: as good
    if (created.status === 409) return false;
    if (created.status < 200 || created.status >= 300) throw setupError(`creating ${what}: the server answered ${created.status}: ${messageOf(created)}`);
    return true;
  };
  const getOptional = async <T>(what: string, path: string): Promise<T | undefined> => (await expect<T>(what, 'GET', path, undefined, (s) => s === 200 || s === 404)).value;
  const eventsPath = (q: Record<string, string>) => `${AUDIT_EVENTS_PATH}?${new URLSearchParams(q).toString()}`;

  return {
    server: conn.server,
    ensureNamespace: (n) => ensure(`namespace ${n}`, ns(n), '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } }),
    ensureServiceAccount: (n, name) => ensure(`service account ${n}/${name}`, `${ns(n)}/serviceaccounts/${encodeURIComponent(name)}`, `${ns(n)}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: n } }),
    createPod: async (pod) => (await expect<Pod>(`creating pod ${pod.metadata.namespace}/${pod.metadata.name}`, 'POST', `${ns(pod.metadata.namespace!)}/pods`, pod)).value!,
    deletePod: async (n, name) => {
      await expect(`deleting pod ${n}/${name}`, 'DELETE', `${ns(n)}/pods/${encodeURIComponent(name)}`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 }, (s) => (s >= 200 && s < 300) || s === 404);
    },
    requestToken: async (n, sa, tr) => (await expect<TokenRequest>(`requesting a token for ${n}/${sa}`, 'POST', `${ns(n)}/serviceaccounts/${encodeURIComponent(sa)}/token`, tr)).value!,
    getConfigMap: (n, name) => getOptional<ConfigMap>(`reading configmap ${n}/${name}`, `${ns(n)}/configmaps/${encodeURIComponent(name)}`),
    getSecret: (n, name) => getOptional<Secret>(`reading secret ${n}/${name}`, `${ns(n)}/secrets/${encodeURIComponent(name)}`),
    checkRecorder: async () => {
      const res = await call('GET', eventsPath({ limit: '1' }));
      if (res.status === 200) return;
      if (res.status === 404) throw setupError(`the server records no requests (${AUDIT_EVENTS_PATH} answered 404: is it running with --audit-recorder-size 0?): the check reads its verdict from the recorder`);
      if (res.status === 401 || res.status === 403) throw setupError(`these credentials may not read the server's request recorder (${AUDIT_EVENTS_PATH} answered ${res.status}: ${messageOf(res)}): run the check with the admin kubeconfig satoken serve wrote`);
      throw setupError(`reading the server's request recorder: the server answered ${res.status}: ${messageOf(res)}`);
    },
    listRequests: async (since) => (await expect<{ items: AuditEvent[] }>('reading the request recorder', 'GET', eventsPath({ since: new Date(since).toISOString() }))).value?.items ?? [],
    followRequests: async (since, onEvent, signal) => {
      try {
        await apiStream(
          conn,
          eventsPath({ watch: 'true', since: new Date(since).toISOString() }),
          (line) => {
            let ev: unknown;
            try {
              ev = JSON.parse(line);
            } catch {
              return;
            }
            if (typeof ev === 'object' && ev !== null && (ev as AuditEvent).kind === 'Event') onEvent(ev as AuditEvent);
          },
          { signal, headers: { 'User-Agent': CHECK_USER_AGENT } },
        );
      } catch (e) {
        if (signal.aborted) return;
        throw setupError(`lost the server's request recorder: ${(e as Error).message}`, e);
      }
      if (!signal.aborted) throw setupError(`lost the server's request recorder: ${conn.server} ended the stream`);
    },
  };
}
