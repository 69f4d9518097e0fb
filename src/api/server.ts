/**
 * The one assembly of satoken's API server, used by `satoken serve`, `Emulator.listen()` and the
 * tests: the express app (the request pipeline, the router) and, when asked, an
 * HTTP(S) server with kube-apiserver's connection limits.
 */
import { createServer as createHttpServer, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import type { Auditor } from '../audit/auditor.js';
import { httpAuditFilters } from './audit-filters.js';
import type { RequestRecorder } from '../audit/recorder.js';
import { RequestAuthenticator } from '../auth/request-authenticator.js';
import type { BearerTokenChain } from '../auth/authenticators/bearer-token-chain.js';
import { countRequests } from './request-metrics.js';
import { usePipeline, type PublicEndpoint, type RequestObserver, type RequestStartHook } from './pipeline.js';
import { requestLog } from './request-log.js';
import { apiRouter, oidcHandlers, type ApiControlPlane } from './router.js';
import { DEFAULT_MAX_WATCHES_PER_USER, WatchLimits } from './routes/watch.js';
import type { Step } from './step.js';

/** kube-apiserver's secure serving (staging/src/k8s.io/apiserver/pkg/server/secure_serving.go). */
export const MAX_HEADER_BYTES = 1 << 20;
export const READ_HEADER_TIMEOUT_MS = 32_000;
export const IDLE_TIMEOUT_MS = 90_000;
/** `--request-timeout` (1m0s): a request whose body has not arrived by then is cut off */
export const REQUEST_TIMEOUT_MS = 60_000;

/** What the API server authenticates with, besides the control plane's token chain. */
export interface ApiServerControlPlane extends ApiControlPlane {
  readonly authentication: BearerTokenChain;
  /** the auditor requests report to, and the recorder `GET /debug/audit/events` reads */
  readonly audit?: { auditor: Auditor; recorder: RequestRecorder | undefined };
  /** the TokenFaults that act on HTTP alone (faults/fault-stage.ts), as the pipeline's faults stage */
  readonly faults?: { readonly stage: Step };
}

export interface ApiServerOptions {
  logger?: pino.Logger;
  /** `--anonymous-auth` (default true) */
  anonymousAuth?: boolean;
  /** serve OIDC discovery and JWKS without credentials (default true; false = Kubernetes' RBAC-gated default) */
  publicDiscovery?: boolean;
  /** `--service-account-jwks-uri` (read when discovery is served) */
  jwksUri?: () => string | undefined;
  /** host:port clients use (read per request: known once listening) */
  externalAddress?: () => string;
  /** readiness (e.g. the store is open and its watch live) */
  ready?: () => boolean;
  /** concurrent watches per user (default 128) */
  maxWatchesPerUser?: number;
  /** the HTTP server's limits (default kube-apiserver's; tests shorten them) */
  limits?: Partial<ServerLimits>;
  /** more observers of each request's end (audit) */
  observers?: RequestObserver[];
  startHooks?: RequestStartHook[];
  /**
   * endpoints answered without Kubernetes credentials after the request context opens, whose
   * bodies are left for them to read (the workload identity token exchanges)
   */
  publicEndpoints?: readonly PublicEndpoint[];
}

/** How long and how much the HTTP server waits for and reads. */
export interface ServerLimits {
  maxHeaderBytes: number;
  /** until the request's head has arrived */
  headersTimeoutMs: number;
  /** until the whole request (head and body) has arrived */
  requestTimeoutMs: number;
  /** an idle keep-alive connection is closed after this */
  idleTimeoutMs: number;
  /** how often Node checks the two timeouts above */
  checkIntervalMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxHeaderBytes: MAX_HEADER_BYTES,
  headersTimeoutMs: READ_HEADER_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  idleTimeoutMs: IDLE_TIMEOUT_MS,
  checkIntervalMs: 1000,
};

export interface TlsMaterial {
  key: string;
  cert: string;
  /** CAs that verify client certificates */
  ca: string[];
}

export interface ApiServer {
  /** the express app (for supertest, or to mount elsewhere) */
  app: express.Express;
  /**
   * Listens on `host:port` (port 0: a free one) over HTTPS when `tls` is given, plain HTTP
   * otherwise, with kube-apiserver's header and idle timeouts and header size limit.
   */
  listen(port: number, host: string, tls?: TlsMaterial): Promise<{ server: Server; port: number }>;
}

/**
 * Builds the API server of a control plane.
 * @example
 * const { app, listen } = buildApiServer(cp, { externalAddress: () => address });
 * const { server, port } = await listen(0, '127.0.0.1', tls);
 */
export function buildApiServer(cp: ApiServerControlPlane, o: ApiServerOptions = {}): ApiServer {
  const logger = o.logger ?? pino({ level: 'silent' });
  const routerOptions = {
    externalAddress: o.externalAddress ?? (() => '127.0.0.1:6443'),
    jwksUri: o.jwksUri ?? (() => undefined),
    ...(o.ready ? { ready: o.ready } : {}),
    watches: new WatchLimits(o.maxWatchesPerUser ?? DEFAULT_MAX_WATCHES_PER_USER),
    ...(cp.audit?.recorder ? { recorder: cp.audit.recorder } : {}),
  };
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  const endpoints = o.publicEndpoints ?? [];
  const publicPaths = new Map<string, Step>();
  if (o.publicDiscovery !== false) {
    for (const [path, h] of oidcHandlers(cp, routerOptions)) publicPaths.set(path, (req, res) => h(req, res));
  }
  usePipeline(app, {
    clock: cp.clock,
    authenticator: new RequestAuthenticator({ chain: cp.authentication, anonymous: o.anonymousAuth !== false }),
    authorizer: cp.authorizer,
    logger,
    observers: [requestLog(logger), countRequests(cp.metrics), ...(o.observers ?? [])],
    ...(o.startHooks ? { startHooks: o.startHooks } : {}),
    publicPaths,
    ...(cp.faults ? { faults: cp.faults.stage } : {}),
    publicEndpoints: endpoints,
    router: apiRouter(cp, routerOptions),
    ...(cp.audit ? { audit: httpAuditFilters(cp.audit.auditor) } : {}),
  });
  const listen = async (port: number, host: string, tls?: TlsMaterial) => {
    const l = { ...DEFAULT_SERVER_LIMITS, ...o.limits };
    const limits: ServerOptions = { maxHeaderSize: l.maxHeaderBytes, headersTimeout: l.headersTimeoutMs, keepAliveTimeout: l.idleTimeoutMs, requestTimeout: l.requestTimeoutMs, connectionsCheckingInterval: l.checkIntervalMs };
    const server: Server = tls ? createHttpsServer({ ...limits, key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false }, app) : createHttpServer(limits, app);
    // malformed requests, oversized headers and trickling bodies are answered by Node itself
    // (400, 431, 408) and the socket closed: nothing reaches the process
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ok();
      });
    });
    return { server, port: (server.address() as AddressInfo).port };
  };
  return { app, listen };
}
