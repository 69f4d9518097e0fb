/**
 * The requests the HTTP benchmarks send to a running `satoken serve`: set-up of the bench objects
 * through the API, a pod-bound TokenRequest, and a TokenReview of one token (the same token every
 * time, so that after the first request every review is a cache hit).
 */
import { benchObjects, NAMESPACE, POD, SERVICE_ACCOUNT } from './fixture.js';
import { type LoadSpec, postJson } from './load.js';
import type { SatokenServer } from './processes.js';

const PLURAL: Record<string, string> = { ServiceAccount: 'serviceaccounts', Node: 'nodes', Pod: 'pods' };

export const TOKEN_PATH = `/api/v1/namespaces/${NAMESPACE}/serviceaccounts/${SERVICE_ACCOUNT}/token`;
export const REVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';

export const TOKEN_REQUEST_BODY = Buffer.from(
  JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: POD } } }),
);

export function reviewBody(token: string): Buffer {
  return Buffer.from(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }));
}

/** Creates the service account, node and pod through the API; returns a pod-bound token that reviews as authenticated. */
export async function prepare(server: SatokenServer): Promise<string> {
  for (const o of benchObjects() as Array<{ kind: string; metadata: { namespace?: string } }>) {
    const ns = o.metadata.namespace;
    const path = ns ? `/api/v1/namespaces/${ns}/${PLURAL[o.kind]}` : `/api/v1/${PLURAL[o.kind]}`;
    const r = await postJson(server.url, path, o, server.adminToken);
    if (r.status !== 201 && r.status !== 409) throw new Error(`creating ${o.kind}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const tr = await postJson(server.url, TOKEN_PATH, JSON.parse(TOKEN_REQUEST_BODY.toString()), server.adminToken);
  const token = (tr.body as { status?: { token?: string } }).status?.token;
  if (tr.status !== 201 || !token) throw new Error(`TokenRequest: ${tr.status} ${JSON.stringify(tr.body)}`);
  const rv = await postJson(server.url, REVIEW_PATH, JSON.parse(reviewBody(token).toString()), server.adminToken);
  if (rv.status !== 201 || !(rv.body as { status?: { authenticated?: boolean } }).status?.authenticated) throw new Error(`TokenReview: ${rv.status} ${JSON.stringify(rv.body)}`);
  return token;
}

type Spec = Omit<LoadSpec, 'durationMs' | 'connections'>;

export function issuanceSpec(server: SatokenServer): Spec {
  return { url: server.url, path: TOKEN_PATH, headers: { authorization: `Bearer ${server.adminToken}` }, body: TOKEN_REQUEST_BODY, expectStatus: 201, pid: server.pid };
}

export function reviewSpec(server: SatokenServer, token: string): Spec {
  return { url: server.url, path: REVIEW_PATH, headers: { authorization: `Bearer ${server.adminToken}` }, body: reviewBody(token), expectStatus: 201, pid: server.pid };
}
