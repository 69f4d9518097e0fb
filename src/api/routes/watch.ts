import type { Request, Response } from 'express';
import type { Emulator } from '../../emulator.js';
import { isStatusError } from '../../errors/index.js';
import { type ResourceInfo } from '../../registry/kinds.js';
import type { KubeObject } from '../../registry/types.js';
import type { Watch } from '../../store/types.js';

/**
 * `?watch=true`: a chunked stream of `{"type","object"}` lines. Without a resourceVersion (or
 * with "0") it starts with an ADDED event per existing object; with one, it resumes after it
 * (410 Gone as an ERROR event when that revision is too old). Ends after `timeoutSeconds`.
 */
export function serveWatch(emulator: Emulator, r: ResourceInfo, namespace: string | undefined, req: Request, res: Response): void {
  const q = req.query as Record<string, string | undefined>;
  const rv = q.resourceVersion;
  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.flushHeaders();
  const write = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  let watch: Watch | undefined;
  try {
    let since: number;
    if (!rv || rv === '0') {
      const list = emulator.registry.list(r, namespace, { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector });
      since = Number(list.resourceVersion);
      if (q.sendInitialEvents !== 'false') for (const o of list.items) write('ADDED', o);
    } else {
      since = Number(rv);
      if (!Number.isInteger(since)) throw new Error(`invalid resourceVersion ${rv}`);
    }
    watch = emulator.registry.watch(r, namespace, (e) => write(e.type, e.object as KubeObject), { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, sinceRevision: since });
    if (q.allowWatchBookmarks === 'true') write('BOOKMARK', { kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata: { resourceVersion: String(emulator.registry.store.revision()) } });
  } catch (e) {
    const status = isStatusError(e) ? e.toStatus() : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: String((e as Error).message), reason: 'Expired', code: 410 };
    write('ERROR', status);
    res.end();
    return;
  }
  const timeout = Math.min(Number(q.timeoutSeconds ?? 1800) || 1800, 3600);
  const timer = setTimeout(() => res.end(), timeout * 1000);
  timer.unref();
  const stop = () => {
    clearTimeout(timer);
    watch?.stop();
  };
  res.on('close', stop);
  res.on('finish', stop);
}
