import { type ClientRequest, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type pino from 'pino';
import type { Clock, TimerHandle } from '../clock/index.js';
import { type ApiResponse, apiRequest } from '../client/api-client.js';
import type { Connection } from '../client/kubeconfig.js';
import { StatusError, type StatusReason } from '../errors/index.js';
import type { ConfigMap, KubeObject, Node, Pod, Secret, TokenRequest } from '../registry/types.js';
import type { KubeletApi } from './kubelet.js';

export interface HttpKubeletApiOptions {
  /** the server and credentials (a node kubeconfig: CN=system:node:<name>, O=system:nodes) */
  conn: Connection;
  /** decides the re-watch backoff */
  clock: Clock;
  logger?: pino.Logger;
  /** re-watch backoff after a failure: first delay, doubling up to the maximum (default 1 s, 30 s) */
  backoff?: { initialMs: number; maxMs: number };
  /** `timeoutSeconds` of each watch request; the agent re-watches when the server ends it (default 300) */
  watchTimeoutSeconds?: number;
}

const LEASES = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';

type PodHandlers = Parameters<KubeletApi['watchPods']>[1];
interface WatchLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Pod & { code?: number; message?: string };
}

/** A non-2xx answer as a StatusError, with the server's Status message when it sent one. */
function failure(res: ApiResponse, what: string): StatusError {
  let s: { message?: string; reason?: StatusReason } = {};
  try {
    s = res.json();
  } catch {
    s = { message: res.body.slice(0, 200) };
  }
  return new StatusError(res.status, s.reason ?? 'InternalError', `${what}: ${s.message || `HTTP ${res.status}`}`);
}

/**
 * The kubelet's view of a remote API server over HTTP(S), authenticated as the connection says
 * (for the Node authorizer and NodeRestriction to apply, a `system:node:<name>` identity):
 * - `registerNode`: `POST /api/v1/nodes` (409 is a StatusError AlreadyExists); `getNode`,
 *   `updateNodeStatus` (`PUT nodes/<name>/status`);
 * - the node's Lease: GET, POST and PUT in `kube-node-lease`;
 * - `getPod`, `updatePodStatus` (`PUT pods/<name>/status`; 409 is a StatusError Conflict);
 * - `getToken`: `POST .../serviceaccounts/<sa>/token`; `getConfigMap`/`getSecret`: GET (404 → undefined);
 * - `deletePod`: `DELETE` with grace 0 and the UID as precondition (404 and 409: already gone);
 * - `watchPods`: list with `fieldSelector=spec.nodeName=<node>`, then a chunked watch from the
 *   list's resourceVersion; on 410 or an ERROR event it relists (emitting what changed meanwhile,
 *   deletions included); when the server ends the watch it re-watches at once; on a transport
 *   failure it re-watches with backoff on the injected clock.
 * @example
 * const api = httpKubeletApi({ conn: loadKubeconfig('node-1.kubeconfig'), clock: new RealClock() });
 * const kubelet = new Kubelet({ nodeName: 'node-1', rootDir: '/tmp/kubelet', clock, api });
 */
export function httpKubeletApi(o: HttpKubeletApiOptions): KubeletApi {
  const call = (method: string, path: string, body?: unknown) => apiRequest(o.conn, method, path, body);
  const read = async <T>(kind: string, namespace: string, name: string): Promise<T | undefined> => {
    const res = await call('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/${kind}/${encodeURIComponent(name)}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw failure(res, `get ${kind} ${namespace}/${name}`);
    return res.json<T>();
  };
  const get = async <T>(path: string, what: string): Promise<T | undefined> => {
    const res = await call('GET', path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw failure(res, what);
    return res.json<T>();
  };
  const put = async <T>(path: string, body: unknown, what: string): Promise<T> => {
    const res = await call('PUT', path, body);
    if (res.status !== 200) throw failure(res, what);
    return res.json<T>();
  };
  return {
    async registerNode(node) {
      const res = await call('POST', '/api/v1/nodes', node);
      if (res.status !== 201 && res.status !== 200) throw failure(res, `register node ${node.metadata.name}`);
      return res.json<Node>();
    },
    getNode: (name) => get<Node>(`/api/v1/nodes/${encodeURIComponent(name)}`, `get node ${name}`),
    updateNodeStatus: (node) => put<Node>(`/api/v1/nodes/${encodeURIComponent(node.metadata.name ?? '')}/status`, node, `update status of node ${node.metadata.name}`),
    getLease: (name) => get<KubeObject>(`${LEASES}/${encodeURIComponent(name)}`, `get lease ${name}`),
    async createLease(lease) {
      const res = await call('POST', LEASES, lease);
      if (res.status !== 201 && res.status !== 200) throw failure(res, `create lease ${lease.metadata.name}`);
      return res.json<KubeObject>();
    },
    updateLease: (lease) => put<KubeObject>(`${LEASES}/${encodeURIComponent(lease.metadata.name ?? '')}`, lease, `update lease ${lease.metadata.name}`),
    getPod: (namespace, name) => read<Pod>('pods', namespace, name),
    updatePodStatus: (pod) => put<Pod>(`/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? '')}/pods/${encodeURIComponent(pod.metadata.name ?? '')}/status`, pod, `update status of pod ${pod.metadata.namespace}/${pod.metadata.name}`),
    async getToken(namespace, name, tr) {
      const res = await call('POST', `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`, { ...tr, apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' });
      if (res.status !== 201 && res.status !== 200) throw failure(res, `request token for ${namespace}/${name}`);
      return res.json<TokenRequest>();
    },
    async deletePod(namespace, name, uid) {
      const res = await call('DELETE', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } });
      if (res.status !== 200 && res.status !== 202 && res.status !== 404 && res.status !== 409) throw failure(res, `delete pod ${namespace}/${name}`);
    },
    getConfigMap: (namespace, name) => read<ConfigMap>('configmaps', namespace, name),
    getSecret: (namespace, name) => read<Secret>('secrets', namespace, name),
    async watchPods(nodeName, on) {
      const w = new PodWatch(o, nodeName, on);
      await w.relist();
      w.watch();
      return () => w.stop();
    },
  };
}

/** The list-then-watch loop of a reflector, for one node's pods. */
class PodWatch {
  private readonly known = new Map<string, Pod>();
  private rv = '';
  private attempt = 0;
  /** since when the watch has been failing, and how often: logged once when it starts and once when it ends */
  private outage: { since: number; failures: number } | undefined;
  private stopped = false;
  private req: ClientRequest | undefined;
  private timer: TimerHandle | undefined;
  private readonly selector: string;

  constructor(
    private readonly o: HttpKubeletApiOptions,
    private readonly node: string,
    private readonly on: PodHandlers,
  ) {
    this.selector = encodeURIComponent(`spec.nodeName=${node}`);
  }

  /** Lists the node's pods and emits the difference from what was known. */
  async relist(): Promise<void> {
    const res = await apiRequest(this.o.conn, 'GET', `/api/v1/pods?fieldSelector=${this.selector}`);
    if (res.status !== 200) throw failure(res, `list pods of node ${this.node}`);
    const list = res.json<{ metadata?: { resourceVersion?: string }; items?: Pod[] }>();
    const seen = new Set<string>();
    for (const pod of list.items ?? []) {
      const uid = pod.metadata.uid ?? '';
      seen.add(uid);
      const old = this.known.get(uid);
      this.known.set(uid, pod);
      if (!old) this.on.added(pod);
      else if (old.metadata.resourceVersion !== pod.metadata.resourceVersion) this.on.modified(pod);
    }
    for (const [uid, pod] of [...this.known]) {
      if (!seen.has(uid)) {
        this.known.delete(uid);
        this.on.deleted(pod);
      }
    }
    this.rv = list.metadata?.resourceVersion ?? '';
  }

  watch(): void {
    if (this.stopped) return;
    const timeout = this.o.watchTimeoutSeconds ?? 300;
    const url = new URL(`/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(this.rv)}&fieldSelector=${this.selector}&timeoutSeconds=${timeout}`, this.o.conn.server);
    const c = this.o.conn;
    const https = url.protocol === 'https:';
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'satoken-kubelet', ...(c.token ? { Authorization: `Bearer ${c.token}` } : {}) };
    const tls = https ? { ...(c.caData ? { ca: c.caData } : {}), rejectUnauthorized: !c.insecureSkipTLSVerify, ...(c.clientCertData && c.clientKeyData ? { cert: c.clientCertData, key: c.clientKeyData } : {}) } : {};
    let relist = false;
    let failed = false;
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      this.next(relist, failed);
    };
    const req = (https ? httpsRequest : httpRequest)(url, { method: 'GET', headers, ...tls }, (res) => {
      if (res.statusCode !== 200) {
        relist = res.statusCode === 410;
        failed = !relist;
        if (failed) this.failure('pod watch refused', { status: res.statusCode });
        else this.o.logger?.info({ status: res.statusCode }, 'pod watch expired; relisting');
        res.resume();
        res.on('end', finish);
        return;
      }
      this.attempt = 0;
      this.recovered();
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let nl = buf.indexOf('\n'); nl >= 0 && !relist; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line && this.event(line)) {
            relist = true;
            req.destroy();
          }
        }
      });
      res.on('end', finish);
      res.on('error', () => undefined);
    });
    req.setTimeout((timeout + 30) * 1000, () => req.destroy(new Error('pod watch went silent')));
    req.on('error', (e) => {
      if (!this.stopped && !relist) {
        this.failure('pod watch failed', { err: e.message });
        failed = true;
      }
      finish();
    });
    req.on('close', finish);
    req.end();
    this.req = req;
  }

  /**
   * A failed watch or relist. While the server is away every retry fails: the first failure of
   * an outage is a warning (saying that retries follow), the others are debug lines.
   */
  private failure(message: string, fields: Record<string, unknown>): void {
    if (this.outage) {
      this.outage.failures++;
      this.o.logger?.debug(fields, message);
      return;
    }
    this.outage = { since: this.o.clock.now(), failures: 1 };
    this.o.logger?.warn(fields, `${message}; retrying with backoff, logged again when it recovers`);
  }

  /** The watch is open again after an outage: says for how long it was away. */
  private recovered(): void {
    if (!this.outage) return;
    const { since, failures } = this.outage;
    this.outage = undefined;
    this.o.logger?.info({ failures, downForMs: this.o.clock.now() - since }, 'pod watch recovered');
  }

  /** Applies one watch line; true when the watch must be replaced by a relist (ERROR or garbage). */
  private event(line: string): boolean {
    let e: WatchLine;
    try {
      e = JSON.parse(line) as WatchLine;
    } catch {
      this.o.logger?.warn('pod watch sent a line that is not JSON; relisting');
      return true;
    }
    const pod = e.object;
    if (e.type === 'ERROR') {
      this.o.logger?.info({ code: pod.code, message: pod.message }, 'pod watch expired; relisting');
      return true;
    }
    if (pod.metadata?.resourceVersion) this.rv = pod.metadata.resourceVersion;
    if (e.type === 'BOOKMARK') return false;
    const uid = pod.metadata.uid ?? '';
    if (e.type === 'DELETED') {
      this.known.delete(uid);
      this.on.deleted(pod);
    } else if (this.known.has(uid)) {
      this.known.set(uid, pod);
      this.on.modified(pod);
    } else {
      this.known.set(uid, pod);
      this.on.added(pod);
    }
    return false;
  }

  /** After a watch ends: relist (410, ERROR) and re-watch, at once or, after a failure, with backoff. */
  private next(relist: boolean, failed: boolean): void {
    if (this.stopped) return;
    this.req = undefined;
    const b = this.o.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    const delay = failed ? Math.min(b.maxMs, b.initialMs * 2 ** this.attempt++) : 0;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void (async () => {
        try {
          if (relist) await this.relist();
          this.watch();
        } catch (e) {
          this.failure('pod relist failed', { err: (e as Error).message });
          this.next(true, true);
        }
      })();
    }, delay);
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
    this.req?.destroy();
  }
}
