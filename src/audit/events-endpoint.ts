/**
 * The recorder over HTTP, for `satoken audit` following a live server: `GET /debug/audit/events`
 * answers an audit.k8s.io/v1 `EventList` of the recorded requests matching the query's filters
 * (`?serviceAccount=default/app&code=4xx&limit=100`, see {@link filterFromQuery}); with
 * `?watch=true` it then streams each newly recorded event as one JSON line until the client
 * goes. It is a non-resource URL, so authorization decides who may read it: only
 * `system:masters` and cluster-admin under RBAC (the events name users, credential ids and
 * paths). The HTTP layer renders what these functions return.
 */
import { errors } from '../errors/index.js';
import type { StatusError } from '../errors/index.js';
import { goJsonStringify } from '../util/go-json.js';
import type { RequestRecorder } from './recorder.js';
import { type RequestFilter, RequestFilterError, compileFilter, filterFromQuery, matcher } from './request-filter.js';
import type { AuditEvent } from './types.js';

export const AUDIT_EVENTS_PATH = '/debug/audit/events';

/** A query read: the filter, the limit, and whether to follow. */
export interface EventsQuery {
  filter: RequestFilter;
  limit?: number;
  watch: boolean;
}

/**
 * The query of an events request, or a 400 StatusError saying what is wrong with it.
 * @example
 * readEventsQuery({ jti: '6f1c…', watch: 'true' }); // { filter: { jti: '6f1c…' }, watch: true }
 */
export function readEventsQuery(q: Record<string, unknown>): EventsQuery | StatusError {
  try {
    const filter = filterFromQuery(q);
    compileFilter(filter);
    const out: EventsQuery = { filter, watch: q.watch === 'true' || q.watch === '1' };
    if (q.watch !== undefined && !['true', '1', 'false', '0'].includes(String(q.watch))) return errors.badRequest(`watch must be true or false, got ${JSON.stringify(String(q.watch).slice(0, 64))}`);
    if (q.limit !== undefined) {
      const n = typeof q.limit === 'string' && /^\d{1,9}$/.test(q.limit) ? Number(q.limit) : Number.NaN;
      if (!(n > 0)) return errors.badRequest(`limit must be a positive integer, got ${JSON.stringify(String(q.limit).slice(0, 64))}`);
      out.limit = n;
    }
    return out;
  } catch (e) {
    if (e instanceof RequestFilterError) return errors.badRequest(e.message);
    throw e;
  }
}

/**
 * The `EventList` body of the recorded requests a query selects (oldest first, the newest
 * `limit` of them).
 * @example
 * sendJson(res, 200, eventList(recorder, query));
 */
export function eventList(recorder: RequestRecorder, query: EventsQuery): { kind: 'EventList'; apiVersion: 'audit.k8s.io/v1'; metadata: Record<string, never>; items: AuditEvent[] } {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: recorder.list(query.filter, query.limit) };
}

/**
 * Streams the query's events: what is recorded now, then each new event, one JSON line each,
 * through `write`. Returns the function that stops it (call it when the client goes).
 * @example
 * const stop = followEvents(recorder, query, (line) => res.write(line));
 * res.on('close', stop);
 */
export function followEvents(recorder: RequestRecorder, query: EventsQuery, write: (line: string) => void): () => void {
  const matches = matcher(query.filter);
  for (const ev of recorder.list(query.filter, query.limit)) write(`${goJsonStringify(ev)}\n`);
  return recorder.follow((ev) => {
    if (matches(ev)) write(`${goJsonStringify(ev)}\n`);
  });
}
