import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openContext, requestContext } from '../../src/api/context.js';
import { Query, requestInfo } from '../../src/api/request-info.js';
import { requestLog } from '../../src/api/request-log.js';

function capture(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  // the same redaction serve configures: request lines must not depend on it
  const logger = pino({ level, redact: { paths: ['req.headers.authorization', 'token', '*.token'], censor: '[redacted]' } }, sink);
  return { logger, lines };
}

/** The request context and the end observer as api/pipeline.ts opens and runs them. */
function app(logger: pino.Logger) {
  const a = express();
  const observe = requestLog(logger);
  a.use((req, res, next) => {
    const [path, search = ''] = req.url.split('?') as [string, string?];
    const ctx = openContext(req, requestInfo(req.method, path, new Query(search)), new Query(search), 0);
    res.once('close', () => observe?.(ctx, req, res));
    next();
  });
  a.post('/issue', (req, res) => {
    requestContext(req).user = { username: 'jane' };
    requestContext(req).issuedJti = 'c0ffee';
    res.status(201).json({ status: { token: 'header.payload.signature' } });
  });
  a.get('/who', (req, res) => {
    requestContext(req).user = { username: 'jane' };
    requestContext(req).impersonator = { username: 'admin' };
    res.status(200).send('ok');
  });
  return a;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((ok) => setTimeout(ok, 5));
};

describe('request log lines', () => {
  it('one line per request: method, path without the query, status, latency, user, jti; never the token or the Authorization header', async () => {
    const { logger, lines } = capture();
    await request(app(logger)).post('/issue?token=secret-in-query').set('Authorization', 'Bearer secret-bearer').send({});
    await until(() => lines.length === 1);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({ msg: 'request', method: 'POST', path: '/issue', status: 201, user: 'jane', jti: 'c0ffee' });
    expect(typeof line.latencyMs).toBe('number');
    const text = JSON.stringify(line);
    for (const secret of ['secret-in-query', 'secret-bearer', 'header.payload.signature']) expect(text).not.toContain(secret);
  });

  it('names the impersonator of an impersonated request', async () => {
    const { logger, lines } = capture();
    await request(app(logger)).get('/who');
    await until(() => lines.length === 1);
    expect(lines[0]).toMatchObject({ path: '/who', user: 'jane', impersonator: 'admin' });
  });

  it('writes nothing below info', async () => {
    const { logger, lines } = capture('warn');
    await request(app(logger)).get('/who');
    await new Promise((ok) => setTimeout(ok, 20));
    expect(lines).toEqual([]);
  });
});
