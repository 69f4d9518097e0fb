import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import { errors } from '../errors/index.js';
import type { UserInfo } from '../registry/types.js';
import type { BearerTokenChain } from '../tokens/token-review.js';

export const ANONYMOUS: Required<UserInfo> = { username: 'system:anonymous', uid: '', groups: ['system:unauthenticated'], extra: {} };

export interface AuthenticationOptions {
  chain: BearerTokenChain;
  /** `--anonymous-auth` (default true, as kube-apiserver) */
  anonymous: boolean;
  logger: pino.Logger;
}

/**
 * X.509 client-certificate authentication (staging/src/k8s.io/apiserver/pkg/authentication/request/x509):
 * no certificate is no opinion; a certificate the client CAs do not verify (unknown signer,
 * expired) is an error, which makes the request a 401 unless a bearer token authenticates it;
 * a verified one is the user CN (the last CN, as Go's pkix.Name keeps it) with the O values
 * as groups.
 */
function certificateUser(req: Request): UserInfo | Error | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  if (!socket.authorized) return new Error(`verifying certificate: ${String(socket.authorizationError ?? 'unauthorized')}`);
  const cn = cert.subject?.CN;
  if (!cn) return undefined;
  const o = cert.subject.O;
  const groups = Array.isArray(o) ? o : o ? [o] : [];
  return { username: Array.isArray(cn) ? cn[cn.length - 1]! : cn, uid: '', groups: [...groups, 'system:authenticated'], extra: {} };
}

/**
 * The authentication filter: a verified client certificate, else a bearer token through the
 * token chain, else anonymous when allowed. A presented but invalid token, or an unverified
 * client certificate with no valid token, is a 401 even when anonymous requests are allowed
 * (`union.NewFailOnError`); the reason goes to the log only, as kube-apiserver does.
 */
export function authenticate(opts: AuthenticationOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const certUser = certificateUser(req);
      if (certUser && !(certUser instanceof Error)) {
        res.locals.user = certUser;
        return next();
      }
      const header = req.get('authorization');
      const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (m) {
        const r = await opts.chain.authenticate(m[1]!);
        if ('user' in r) {
          res.locals.user = r.user;
          return next();
        }
        opts.logger.info({ path: req.path, err: r.error }, 'Unable to authenticate the request');
        throw errors.unauthorized();
      }
      if (certUser instanceof Error) {
        opts.logger.info({ path: req.path, err: certUser.message }, 'Unable to authenticate the request');
        throw errors.unauthorized();
      }
      if (!opts.anonymous) throw errors.unauthorized();
      res.locals.user = ANONYMOUS;
      next();
    } catch (e) {
      next(e);
    }
  };
}
