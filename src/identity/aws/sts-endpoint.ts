import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pino from 'pino';
import { rfc3339 } from '../../clock/clock.js';
import { attachExchange, type ExchangeObserver, type TokenExchangeRecord } from '../exchange-record.js';
import { isFormEncoded, readBodyOr, requestTarget } from '../http-body.js';
import { assumeRoleWithWebIdentity, StsRefusal, type WebIdentityDeps } from './assume-role-with-web-identity.js';
import { StsError, stsErrors, STS_VERSION } from './sts-error.js';
import { assumeRoleParams } from './sts-params.js';
import { verifySigV4 } from './sigv4-verifier.js';
import { stsErrorResponse, stsResponse } from './sts-xml.js';

export interface StsEndpointOptions extends WebIdentityDeps {
  logger?: pino.Logger;
  /** told of every AssumeRoleWithWebIdentity and GetCallerIdentity, issued or refused */
  onExchange?: ExchangeObserver;
  /** the largest request body read (default 128 KiB: a 20,000-character token percent-encoded, and room) */
  maxBodyBytes?: number;
}

const SERVED = ['AssumeRoleWithWebIdentity', 'GetCallerIdentity'];

type Request = IncomingMessage & { body?: unknown; originalUrl?: string };

/**
 * The AWS STS query-protocol endpoint: `Action` and `Version` from the query string or an
 * `application/x-www-form-urlencoded` body (the body wins), XML answers in STS's namespace with an
 * `x-amzn-RequestId` header, errors as `<ErrorResponse>` with STS's codes and statuses. It serves
 * AssumeRoleWithWebIdentity (unsigned, as STS takes it) and GetCallerIdentity (signed with
 * credentials it issued). Nothing a client sends makes it answer 5xx, except a fault of satoken
 * itself (`InternalFailure`, logged).
 * @example
 * app.use('/aws/sts', stsEndpoint({ trust, fetchJson, clock, credentials: new StsCredentialStore(), logger }));
 */
export function stsEndpoint(o: StsEndpointOptions): (req: Request, res: ServerResponse) => void {
  const limit = o.maxBodyBytes ?? 128 * 1024;
  const send = (res: ServerResponse, status: number, xml: string, requestId: string) => {
    if (res.headersSent) return void res.end();
    res.statusCode = status;
    res.setHeader('x-amzn-RequestId', requestId);
    res.setHeader('Content-Type', 'text/xml');
    res.setHeader('Content-Length', Buffer.byteLength(xml));
    res.end(xml);
  };

  const handle = async (req: Request, res: ServerResponse, requestId: string, record: Partial<TokenExchangeRecord>): Promise<void> => {
    const { path, query } = requestTarget(req);
    const body = await readBodyOr(req, res, limit, stsErrors.tooLarge);
    const params = new URLSearchParams(query);
    if (req.method === 'POST' && isFormEncoded(req.headers['content-type'])) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
    }
    const action = params.get('Action');
    if (action === null || action === '') throw stsErrors.missingAction();
    const version = params.get('Version') ?? 'NO_VERSION_SPECIFIED';
    record.operation = action;
    if (version !== STS_VERSION || !/^[A-Za-z]+$/.test(action)) throw stsErrors.invalidAction(action, version);
    if (action === 'AssumeRoleWithWebIdentity') {
      const p = assumeRoleParams(params);
      const r = await assumeRoleWithWebIdentity(p, o, record);
      const c = r.credentials;
      return send(
        res,
        200,
        stsResponse(
          action,
          [
            ['SubjectFromWebIdentityToken', r.subject],
            ['Audience', r.audience],
            ['AssumedRoleUser', [['Arn', c.assumedRoleArn], ['AssumedRoleId', c.assumedRoleId]]],
            ['Credentials', [['SessionToken', c.sessionToken], ['SecretAccessKey', c.secretAccessKey], ['Expiration', rfc3339(c.expiration)], ['AccessKeyId', c.accessKeyId]]],
            ['Provider', r.provider],
          ],
          requestId,
        ),
        requestId,
      );
    }
    if (action === 'GetCallerIdentity') {
      const c = await verifySigV4({ method: req.method ?? 'GET', path, query, headers: req.headers, body }, (id) => o.credentials.get(id), o.clock.now());
      Object.assign(record, { credentialId: c.credentialId, principal: c.assumedRoleArn });
      return send(res, 200, stsResponse(action, [['Arn', c.assumedRoleArn], ['UserId', c.assumedRoleId], ['Account', c.account]], requestId), requestId);
    }
    throw new StsError('InvalidAction', `Could not find operation ${action} for version ${version}: satoken's STS serves ${SERVED.join(' and ')}`, 400);
  };

  return (req, res) => {
    const requestId = randomUUID();
    const record: Partial<TokenExchangeRecord> = { cloud: 'aws', operation: 'unknown', sourceIP: req.socket.remoteAddress ?? '', ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}) };
    handle(req, res, requestId, record)
      .then(() => finish(req, { ...record, outcome: record.issued ? 'issued' : 'answered' } as TokenExchangeRecord))
      .catch((e: unknown) => {
        if (e instanceof StsError) {
          send(res, e.status, stsErrorResponse(e, requestId), requestId);
          if (record.operation !== 'unknown') finish(req, { ...record, outcome: 'refused', error: e.code } as TokenExchangeRecord, e instanceof StsRefusal ? e.detail : undefined);
          return;
        }
        o.logger?.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e), requestId }, 'STS request failed');
        send(res, 500, stsErrorResponse(new StsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500, 'Receiver'), requestId), requestId);
      });
  };

  function finish(req: Request, r: TokenExchangeRecord, detail?: string): void {
    attachExchange(req, r);
    o.logger?.info({ ...r, ...(detail ? { detail } : {}) }, r.outcome === 'issued' ? 'cloud credentials issued' : r.outcome === 'answered' ? 'cloud call answered' : 'token exchange refused');
    try {
      o.onExchange?.(r);
    } catch (e) {
      o.logger?.warn({ err: String(e) }, 'token exchange observer failed');
    }
  }
}
