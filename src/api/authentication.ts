import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type pino from 'pino';
import { errors } from '../errors/index.js';
import { contextReporter } from './fault-annotations.js';
import type { ClientCertificate, RequestAuthenticator } from '../auth/request-authenticator.js';
import { requestContext } from './context.js';
import type { Step } from './step.js';

/** What the TLS socket says of the client's certificate, for the authenticator. */
function clientCertificate(req: IncomingMessage): ClientCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);
  return {
    commonNames: list(cert.subject?.CN),
    organizations: list(cert.subject?.O),
    verified: !!socket.authorized,
    ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}),
    ...(cert.fingerprint256 ? { sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase() } : {}),
  };
}

/**
 * The authentication filter: hands the request's credentials to the authenticator and records
 * the user in the request context; a refusal is a 401 whose reason goes to the log only, as
 * kube-apiserver does it (`Unable to authenticate the request`).
 * @example
 * steps.push(authenticate(new RequestAuthenticator({ chain, anonymous: true }), logger));
 */
export function authenticate(authenticator: RequestAuthenticator, logger: pino.Logger): Step {
  return (req, _res, next) => {
    const ctx = requestContext(req);
    const certificate = clientCertificate(req);
    const r = authenticator.authenticate({ ...(certificate ? { certificate } : {}), ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization, report: contextReporter(ctx) } : {}) });
    const settle = (a: Awaited<typeof r>) => {
      ctx.warnings.push(...a.warnings);
      if (!a.ok) {
        logger.info({ path: ctx.info.path, err: a.reason }, 'Unable to authenticate the request');
        return next(errors.unauthorized());
      }
      ctx.user = a.user;
      if (a.annotations) Object.assign(ctx.annotations, a.annotations);
      next();
    };
    if (r instanceof Promise) r.then(settle, next);
    else settle(r);
  };
}
