import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, adminToken, caFile, requirePythonModules } from '../helpers/real-clients.js';
import { cleanup, run, startServer, type ServerProcess } from '../helpers/server-process.js';

// The official kubernetes Python client (Debian's python3-kubernetes 22.6.0) against the real
// HTTPS server, trusting the CA from the keys directory. The client sends TokenRequest bodies
// without apiVersion/kind and validates responses strictly (spec.audiences, status.token and
// status.expirationTimestamp must all be there), so a call that returns at all says a lot.
const SCRIPT = join(__dirname, 'fixtures', 'k8s_client.py');
const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

let server: ServerProcess;
beforeAll(async () => {
  requirePythonModules(['kubernetes.client']);
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
  if (server) cleanup(server.dir);
});

/** Runs one scenario of the script and parses the JSON it prints. */
function scenario(name: string): any {
  const r = run(PYTHON, [SCRIPT, name], { SATOKEN_SERVER: server.url, SATOKEN_TOKEN: adminToken(server), SATOKEN_CA: caFile(server) });
  if (r.status !== 0) throw new Error(`${name} exited with ${r.status}:\n${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout);
}

function claims(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
}

describe('the kubernetes Python client', () => {
  it('requests a token with audiences and a lifetime, and reviews it', () => {
    const out = scenario('token-and-review');
    expect(out.clientVersion).toBe('22.6.0');
    const tr = out.tokenRequest;
    // the request had neither apiVersion nor kind; the answer must name them
    expect(tr.apiVersion).toBe('authentication.k8s.io/v1');
    expect(tr.kind).toBe('TokenRequest');
    expect(tr.metadata).toMatchObject({ name: 'py-client', namespace: 'default' });
    expect(tr.spec).toEqual({ audiences: ['vault'], expirationSeconds: 600 });
    expect(out.expirationTimestampType).toBe('datetime');
    const c = claims(tr.status.token);
    expect(c).toMatchObject({ aud: ['vault'], iss: DEFAULT_ISSUER, sub: 'system:serviceaccount:default:py-client' });
    expect(c.exp - c.iat).toBe(600);
    expect(Date.parse(tr.status.expirationTimestamp)).toBe(c.exp * 1000);

    const rev = out.review;
    expect(rev.apiVersion).toBe('authentication.k8s.io/v1');
    expect(rev.kind).toBe('TokenReview');
    expect(rev.status.authenticated).toBe(true);
    expect(rev.status.error).toBeUndefined();
    expect(rev.status.audiences).toEqual(['vault']);
    expect(rev.status.user).toEqual({
      username: 'system:serviceaccount:default:py-client',
      uid: c['kubernetes.io'].serviceaccount.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${c.jti}`] },
    });
  });

  it('gets "invalid bearer token" and no user for a garbage token', () => {
    const { review } = scenario('garbage-review');
    expect(review.spec).toEqual({ token: 'garbage', audiences: ['vault'] });
    expect(review.status).toEqual({ user: {}, error: 'invalid bearer token' });
  });

  it('raises ApiException 404 with the Status body for a missing service account', () => {
    const { error } = scenario('missing-service-account');
    expect(error).toEqual({
      status: 404,
      reason: 'Not Found',
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'serviceaccounts "missing" not found',
        reason: 'NotFound',
        details: { name: 'missing', kind: 'serviceaccounts' },
        code: 404,
      },
    });
  });

  it('binds a token to a pod it created, and the token dies with the pod', () => {
    const out = scenario('pod-bound');
    expect(out.tokenRequest.spec.boundObjectRef).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'py-web', uid: out.podUid });
    expect(claims(out.tokenRequest.status.token)['kubernetes.io'].pod).toEqual({ name: 'py-web', uid: out.podUid });
    expect(out.before.status.authenticated).toBe(true);
    expect(out.before.status.user.username).toBe('system:serviceaccount:default:py-pod-robot');
    expect(out.before.status.user.extra).toMatchObject({
      'authentication.kubernetes.io/pod-name': ['py-web'],
      'authentication.kubernetes.io/pod-uid': [out.podUid],
    });
    expect(out.podReadAfterDelete).toBe(404);
    expect(out.after.status).toEqual({ user: {}, error: '[invalid bearer token, service account token has been invalidated]' });
  });
});
