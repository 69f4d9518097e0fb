import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type pino from 'pino';
import { attachExchange, type ExchangeObserver, type TokenExchangeRecord } from '../exchange-record.js';
import { isFormEncoded, readBodyOr, requestTarget } from '../http-body.js';
import { type ClientAssertionDeps, clientAssertionGrant, tenantExists } from './client-assertion-grant.js';
import { EntraError, entraErrorBody, entraErrors } from './entra-error.js';
import { entraOpenIdConfiguration } from './entra-metadata.js';

export interface EntraEndpointOptions extends ClientAssertionDeps {
  logger?: pino.Logger;
  /** told of every token request, issued or refused */
  onExchange?: ExchangeObserver;
  /** the largest request body read (default 128 KiB) */
  maxBodyBytes?: number;
}

type Request = IncomingMessage & { body?: unknown; originalUrl?: string };

const TENANT = '([A-Za-z0-9][A-Za-z0-9.-]*)';
const ROUTES: Array<{ re: RegExp; route: 'metadata' | 'keys' | 'token' | 'other' }> = [
  { re: new RegExp(`^/${TENANT}/v2\\.0/\\.well-known/openid-configuration$`), route: 'metadata' },
  { re: new RegExp(`^/${TENANT}/discovery/v2\\.0/keys$`), route: 'keys' },
  { re: new RegExp(`^/${TENANT}/oauth2/v2\\.0/token$`), route: 'token' },
  { re: new RegExp(`^/${TENANT}/oauth2/v2\\.0/(?:authorize|logout|devicecode)$`), route: 'other' },
];

/**
 * Whether a path is one of Entra's that this endpoint answers (`/<tenant>/v2.0/.well-known/…`,
 * `/<tenant>/discovery/v2.0/keys`, `/<tenant>/oauth2/v2.0/…`).
 * @example
 * isEntraPath('/contoso.onmicrosoft.com/oauth2/v2.0/token'); // true
 */
export function isEntraPath(path: string): boolean {
  return ROUTES.some((r) => r.re.test(path));
}

/** The authority host the client used: scheme and Host header, with a trailing slash. */
function authorityHostOf(req: Request): string {
  const secure = (req.socket as TLSSocket).encrypted === true;
  return `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}/`;
}

/**
 * The Microsoft identity platform (Entra ID) endpoints MSAL uses for workload identity, under
 * `AZURE_AUTHORITY_HOST`, for the tenants declared by AzureFederatedCredentials (and the
 * configured default):
 * - `GET <tenant>/v2.0/.well-known/openid-configuration` (MSAL's authority metadata; the issuer
 *   on the host the client used, as MSAL checks)
 * - `GET <tenant>/discovery/v2.0/keys` (the keys access tokens are signed with)
 * - `POST <tenant>/oauth2/v2.0/token`: the client-credentials grant with a federated client
 *   assertion (see {@link clientAssertionGrant}); other grants and the interactive endpoints are
 *   refused with Entra's error shape
 * Errors are Entra's JSON (`error`, `error_description` with AADSTS code, trace and correlation
 * ids, `error_codes`, `timestamp`, `error_uri`); other paths go to `next`. Never a 5xx for what a
 * client sends.
 * @example
 * app.use(entraEndpoint({ trust, fetchJson, clock, signer: new EntraTokenSigner(), tenants: () => [tenantId] }));
 */
export function entraEndpoint(o: EntraEndpointOptions): (req: Request, res: ServerResponse, next: (err?: unknown) => void) => void {
  const limit = o.maxBodyBytes ?? 128 * 1024;
  const json = (res: ServerResponse, status: number, body: unknown, cache: string) => {
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', cache);
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
  };
  const fail = (req: Request, res: ServerResponse, e: EntraError) => {
    // MSAL sends its correlation id as a header and in the query string
    const header = req.headers['client-request-id'];
    const cid = typeof header === 'string' ? header : requestTarget(req).query.get('client-request-id');
    json(res, e.status, entraErrorBody(e, { now: o.clock.now(), host: authorityHostOf(req), ...(typeof cid === 'string' && /^[0-9a-fA-F-]{36}$/.test(cid) ? { correlationId: cid } : {}) }), 'no-store, no-cache');
  };

  const handle = async (req: Request, res: ServerResponse, route: string, tenant: string, record: Partial<TokenExchangeRecord>): Promise<void> => {
    const host = authorityHostOf(req);
    if (route === 'other') throw entraErrors.unsupportedEndpoint('interactive or device-code sign-in');
    if (route !== 'token') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new EntraError(405, 'invalid_request', undefined, `The endpoint only accepts GET requests. Received a ${req.method} request.`);
      if (!tenantExists(tenant, o)) throw entraErrors.tenantNotFound(tenant);
      return json(res, 200, route === 'metadata' ? entraOpenIdConfiguration(host, tenant) : await o.signer.jwks(), 'max-age=86400, private');
    }
    if (req.method !== 'POST') throw new EntraError(400, 'invalid_request', 900561, `AADSTS900561: The endpoint only accepts POST, OPTIONS requests. Received a ${req.method} request.`);
    const body = await readBodyOr(req, res, limit, entraErrors.tooLarge);
    record.operation = 'client_credentials';
    const form = isFormEncoded(req.headers['content-type']) ? new URLSearchParams(body.toString('utf8')) : new URLSearchParams();
    const answer = await clientAssertionGrant({ tenant, form, authorityHost: host }, o, record);
    json(res, 200, answer, 'no-store, no-cache');
  };

  return (req, res, next) => {
    const { path } = requestTarget(req);
    let match: { route: string; tenant: string } | undefined;
    for (const r of ROUTES) {
      const m = r.re.exec(path);
      if (m) {
        match = { route: r.route, tenant: m[1]! };
        break;
      }
    }
    if (!match) return next();
    const record: Partial<TokenExchangeRecord> = { cloud: 'azure', sourceIP: req.socket.remoteAddress ?? '', ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}) };
    handle(req, res, match.route, match.tenant, record)
      .then(() => {
        if (record.operation) finish(req, { ...record, outcome: 'issued' } as TokenExchangeRecord);
      })
      .catch((e: unknown) => {
        if (e instanceof EntraError) {
          fail(req, res, e);
          if (record.operation) finish(req, { ...record, outcome: 'refused', error: e.code !== undefined ? `AADSTS${e.code}` : e.error } as TokenExchangeRecord);
          return;
        }
        o.logger?.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) }, 'Entra request failed');
        if (!res.headersSent) json(res, 500, { error: 'server_error', error_description: 'satoken failed to answer the request; see its log.' }, 'no-store, no-cache');
        else res.end();
      });
  };

  function finish(req: Request, r: TokenExchangeRecord): void {
    attachExchange(req, r);
    o.logger?.info(r, r.outcome === 'issued' ? 'cloud credentials issued' : 'token exchange refused');
    try {
      o.onExchange?.(r);
    } catch (e) {
      o.logger?.warn({ err: String(e) }, 'token exchange observer failed');
    }
  }
}
