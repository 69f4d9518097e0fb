import type { Request, Response } from 'express';
import { errors, isStatusError, StatusError } from '../../errors/index.js';
import { type ResourceInfo, apiVersionOf } from '../../registry/kinds.js';
import { type ObjectRegistry, storagePrefix } from '../../registry/object-registry.js';
import { parseFieldSelector, parseLabelSelector } from '../../registry/selectors.js';
import type { KubeObject } from '../../registry/types.js';
import type { Watch } from '../../store/types.js';
import { requestContext } from '../context.js';
import { wantsTable, watchTableEncoder } from '../discovery/index.js';

/** At most this many concurrent watches per user (a client that leaks watches gets 429s, not the server's memory). */
export const DEFAULT_MAX_WATCHES_PER_USER = 128;

/**
 * Concurrent watches per user. kube-apiserver bounds long-running requests with API Priority and
 * Fairness; satoken bounds them per user, and past the bound answers as APF rejects: 429
 * TooManyRequests with `Retry-After`.
 * @example
 * const limits = new WatchLimits(128);
 * const release = limits.acquire('jane'); // throws the 429 StatusError past the bound
 */
export class WatchLimits {
  private readonly active = new Map<string, number>();

  constructor(readonly perUser = DEFAULT_MAX_WATCHES_PER_USER) {}

  acquire(user: string): () => void {
    const n = this.active.get(user) ?? 0;
    if (n >= this.perUser) {
      throw new StatusError(429, 'TooManyRequests', `too many concurrent watches for user "${user}" (at most ${this.perUser}); close some watches and try again`, { retryAfterSeconds: 1 });
    }
    this.active.set(user, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.active.get(user) ?? 1) - 1;
      if (left <= 0) this.active.delete(user);
      else this.active.set(user, left);
    };
  }

  /** Watches open for `user`. */
  count(user: string): number {
    return this.active.get(user) ?? 0;
  }
}

/**
 * `?watch=true`: a chunked stream of `{"type","object"}` lines. Without a resourceVersion (or
 * with "0") it starts with an ADDED event per existing object; with one, it resumes after it
 * (410 Gone as an ERROR event when that revision is too old). Ends after `timeoutSeconds`.
 * With a Table Accept (`kubectl get -w`), each event's object is a Table of one row, the column
 * definitions in the first only (discovery/tables.ts watchTableEncoder); ERROR Status objects
 * stay as they are. `now` dates the Tables' ages.
 */
export function serveWatch(objects: ObjectRegistry, limits: WatchLimits, r: ResourceInfo, namespace: string | undefined, req: Request, res: Response, now: () => number): void {
  const q = req.query as Record<string, string | undefined>;
  const rv = q.resourceVersion;
  const since = !rv || rv === '0' ? undefined : Number(rv);
  if (since !== undefined && !(Number.isSafeInteger(since) && since >= 0)) throw errors.badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  // what fails before a watch starts is an ordinary error response, as rw.Watch's error is in
  // kube-apiserver's handler: the selectors, and a key the storage refuses
  parseLabelSelector(q.labelSelector);
  parseFieldSelector(q.fieldSelector, r.kind);
  storagePrefix(r, namespace);
  const release = limits.acquire(requestContext(req).user?.username ?? '');
  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.flushHeaders();
  const include = q.includeObject === 'None' || q.includeObject === 'Object' ? q.includeObject : 'Metadata';
  const asTable = wantsTable(req.get('accept')) ? watchTableEncoder(r, include, now) : undefined;
  const write = (type: string, object: unknown) => {
    const out = asTable && type !== 'ERROR' ? asTable(object as KubeObject) : object;
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object: out })}\n`);
  };
  let watch: Watch | undefined;
  try {
    let from = since;
    if (from === undefined) {
      const list = objects.list(r, namespace, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector });
      from = Number(list.resourceVersion);
      if (q.sendInitialEvents !== 'false') for (const o of list.items) write('ADDED', o);
    }
    watch = objects.watch(r, namespace, (e) => write(e.type, e.object as KubeObject), { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, sinceRevision: from });
    if (q.allowWatchBookmarks === 'true') write('BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(objects.revision()) } });
  } catch (e) {
    const status = isStatusError(e) ? e.toStatus() : errors.gone(String((e as Error).message)).toStatus();
    write('ERROR', status);
    release();
    res.end();
    return;
  }
  const timeout = Math.min(Number(q.timeoutSeconds ?? 1800) || 1800, 3600);
  const timer = setTimeout(() => res.end(), timeout * 1000);
  timer.unref();
  const stop = () => {
    clearTimeout(timer);
    watch?.stop();
    release();
  };
  res.on('close', stop);
  res.on('finish', stop);
}
