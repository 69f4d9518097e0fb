import type { Request, Response } from 'express';
import { eventList, followEvents, readEventsQuery } from '../../audit/events-endpoint.js';
import type { RequestRecorder } from '../../audit/recorder.js';
import { isStatusError } from '../../errors/index.js';
import { sendJson, sendStatus } from '../respond.js';

/**
 * `GET /debug/audit/events`: the recorder's EventList, or with `?watch=true` a stream of JSON
 * lines that ends when the client goes (src/audit/events-endpoint.ts computes both).
 */
export function auditEvents(recorder: RequestRecorder) {
  return (req: Request, res: Response): void => {
    const url = req.url ?? '';
    const params: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '')) {
      const prev = params[k];
      params[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
    const q = readEventsQuery(params);
    if (isStatusError(q)) return sendStatus(res, q);
    if (!q.watch) return sendJson(res, 200, eventList(recorder, q));
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Transfer-Encoding', 'chunked');
    res.flushHeaders();
    const stop = followEvents(recorder, q, (line) => {
      if (!res.writableEnded && !res.destroyed) res.write(line);
    });
    res.once('close', stop);
  };
}
