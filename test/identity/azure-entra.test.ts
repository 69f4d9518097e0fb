import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkloadIdentityCredential } from '@azure/identity';
import express from 'express';
import { createLocalJWKSet, jwtVerify } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EntraTokenSigner } from '../../src/identity/azure/entra-token-signer.js';
import { entraEndpoint } from '../../src/identity/azure/entra-endpoint.js';
import type { TokenExchangeRecord } from '../../src/identity/exchange-record.js';
import { jsonFetcher } from '../../src/identity/oidc/fetch-json.js';
import type { AzureFederatedCredential } from '../../src/registry/kinds/trust.js';
import { staticTrustRules, type TrustRules } from '../../src/identity/trust-rules.js';
import { createCertificateAuthority, issueCertificate } from '../../src/keys/index.js';
import { startIssuer, type TestIssuer } from './issuer-server.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '0b1c5b3d-1111-4222-8333-444455556666';
let issuer: TestIssuer;
let entra: Server;
let host: string;
let app: express.Express;
let ca: string;
let rules: TrustRules;
const records: TokenExchangeRecord[] = [];
const dir = mkdtempSync(join(tmpdir(), 'satoken-entra-'));

function fic(spec: Partial<AzureFederatedCredential['spec']> = {}): AzureFederatedCredential {
  return { apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AzureFederatedCredential', metadata: { name: 'app' }, spec: { tenantID: TENANT, clientID: CLIENT, issuer: issuer.url, subject: 'system:serviceaccount:default:app', ...spec } };
}

async function token(audiences = ['api://AzureADTokenExchange']): Promise<string> {
  return (await issuer.emu.requestToken('default', 'app', { audiences, expirationSeconds: 3600 })).status.token;
}

/** WorkloadIdentityCredential as the webhook's environment configures it, plus the two options satoken needs. */
function credential(tok: string, clientId = CLIENT) {
  const file = join(dir, `token-${Math.random()}`);
  writeFileSync(file, tok);
  return new WorkloadIdentityCredential({ tenantId: TENANT, clientId, tokenFilePath: file, authorityHost: host, disableInstanceDiscovery: true, tlsOptions: { ca }, retryOptions: { maxRetries: 0 } });
}

async function failure(tok: string, clientId = CLIENT): Promise<string> {
  try {
    await credential(tok, clientId).getToken('https://management.azure.com/.default');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('a token was issued');
}

beforeAll(async () => {
  issuer = await startIssuer();
  await issuer.emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'default' } });
  const authority = await createCertificateAuthority({ clock: issuer.clock });
  const leaf = await issueCertificate({ caCert: authority.cert, caKey: authority.key, subject: [{ CN: ['satoken'] }], usage: 'serverAuth', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], clock: issuer.clock, days: 30 });
  ca = authority.cert;
  app = express();
  app.use(entraEndpoint({ trust: { awsRoles: () => [], azureCredentials: () => rules.azureCredentials() }, fetchJson: jsonFetcher({ timeoutMs: 2000 }), clock: issuer.clock, signer: new EntraTokenSigner(), onExchange: (r) => records.push(r) }));
  app.use((_req, res) => void res.status(404).send('not here'));
  entra = createServer({ key: leaf.key, cert: leaf.cert }, app);
  await new Promise<void>((ok) => entra.listen(0, '127.0.0.1', ok));
  host = `https://127.0.0.1:${(entra.address() as AddressInfo).port}/`;
});

beforeEach(() => {
  issuer.mode = 'ok';
  rules = staticTrustRules([fic()]);
  records.length = 0;
});

afterAll(async () => {
  await new Promise<void>((ok) => {
    entra.close(() => ok());
    entra.closeAllConnections();
  });
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WorkloadIdentityCredential (@azure/identity 4.13) against satoken’s Entra endpoint', () => {
  it('gets an access token for the resource, recorded with the token’s credential id', async () => {
    const tok = await token();
    const at = await credential(tok).getToken('https://management.azure.com/.default');
    const claims = JSON.parse(Buffer.from(at.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: 'https://management.azure.com', iss: `${host}${TENANT}/v2.0`, azp: CLIENT, tid: TENANT, idtyp: 'app', ver: '2.0' });
    expect(at.expiresOnTimestamp - issuer.emu.clock.now()).toBeGreaterThan(3500_000);
    const jti = JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(records).toEqual([
      expect.objectContaining({ cloud: 'azure', operation: 'client_credentials', outcome: 'issued', credentialId: `JTI=${jti}`, issuer: issuer.url, subject: 'system:serviceaccount:default:app', audience: 'api://AzureADTokenExchange', principal: CLIENT }),
    ]);
  });

  it.each([
    ['a wrong audience', async () => failure(await token(['sts.amazonaws.com'])), 'AADSTS700212'],
    ['an issuer no credential names', async () => ((rules = staticTrustRules([fic({ issuer: 'https://oidc.prod-aks.azure.com/x/' })])), failure(await token())), 'AADSTS700211'],
    ['a subject no credential names', async () => ((rules = staticTrustRules([fic({ subject: 'system:serviceaccount:default:other' })])), failure(await token())), 'AADSTS700213'],
    ['an application the tenant does not have', async () => failure(await token(), '99999999-0000-0000-0000-000000000000'), 'AADSTS700016'],
    ['discovery unreachable', async () => ((issuer.mode = 'down'), failure(await token())), 'AADSTS90061'],
    ['a discovery document naming another issuer', async () => ((issuer.mode = 'wrong-issuer'), failure(await token())), 'AADSTS50166'],
    ['a key rotated out of the JWKS', async () => ((issuer.mode = 'no-keys'), failure(await token())), 'AADSTS700027'],
  ])('%s: %s', async (_why, run, code) => {
    expect(await run()).toContain(`${code}: `);
  });

  it('an expired token: AADSTS700024 with Entra’s times', async () => {
    const tok = await token();
    await issuer.emu.clock.advance(3601_000);
    expect(await failure(tok)).toMatch(/AADSTS700024: Client assertion is not within its valid time range\. Current time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z, assertion valid from \d{4}-.*Z, expiry time of assertion .*Z\./);
  });
});

describe('the metadata MSAL reads, and hostile token requests (Entra’s JSON errors, never a 5xx)', () => {
  const form = (fields: Record<string, string>) => request(app).post(`/${TENANT}/oauth2/v2.0/token`).type('form').send(fields);
  const valid = async () => ({ grant_type: 'client_credentials', client_id: CLIENT, scope: 'https://vault.azure.net/.default', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await token() });

  it('serves the tenant’s v2.0 configuration and the keys its access tokens verify with', async () => {
    const meta = await request(app).get(`/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(meta.status).toBe(200);
    const base = (meta.body.issuer as string).replace(/\/v2\.0$/, '');
    expect(base).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${TENANT}$`));
    expect(meta.body).toMatchObject({ token_endpoint: `${base}/oauth2/v2.0/token`, jwks_uri: `${base}/discovery/v2.0/keys`, authorization_endpoint: `${base}/oauth2/v2.0/authorize` });
    const res = await form(await valid());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store, no-cache');
    expect(Object.keys(res.body)).toEqual(['token_type', 'expires_in', 'ext_expires_in', 'access_token']);
    const keys = await request(app).get(`/${TENANT}/discovery/v2.0/keys`);
    // supertest listens anew for each request: the issuer names the host that request used
    const { payload } = await jwtVerify(res.body.access_token, createLocalJWKSet(keys.body), { audience: 'https://vault.azure.net', currentDate: new Date(issuer.emu.clock.now()) });
    expect(payload.tid).toBe(TENANT);
    expect(payload.iss).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${TENANT}/v2\\.0$`));
  });

  it('renders an error as Entra does: code, description with trace, correlation and time, error_codes, error_uri', async () => {
    const res = await form({ client_id: CLIENT }).set('client-request-id', '11111111-2222-3333-4444-555555555555');
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error', 'error_description', 'error_codes', 'timestamp', 'trace_id', 'correlation_id', 'error_uri']);
    expect(res.body).toMatchObject({ error: 'invalid_request', error_codes: [900144], correlation_id: '11111111-2222-3333-4444-555555555555' });
    expect(res.body.error_description).toMatch(/^AADSTS900144: The request body must contain the following parameter: 'grant_type'\. Trace ID: [0-9a-f-]{36} Correlation ID: 11111111-2222-3333-4444-555555555555 Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(res.body.error_uri).toMatch(/\/error\?code=900144$/);
  });

  it.each([
    ['a GET on the token endpoint', async () => request(app).get(`/${TENANT}/oauth2/v2.0/token`), 400, 'invalid_request', 900561],
    ['an unknown tenant’s configuration', async () => request(app).get('/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration'), 400, 'invalid_tenant', 90002],
    ['an unknown tenant’s token endpoint', async () => request(app).post('/contoso.onmicrosoft.com/oauth2/v2.0/token').type('form').send(await valid()), 400, 'invalid_tenant', 90002],
    ['another grant', async () => form({ ...(await valid()), grant_type: 'password' }), 400, 'unsupported_grant_type', 70003],
    ['a scope without /.default', async () => form({ ...(await valid()), scope: 'User.Read' }), 400, 'invalid_scope', 1002012],
    ['a client secret instead of an assertion', async () => form({ ...(await valid()), client_assertion: '', client_secret: 's3cret' }), 401, 'invalid_client', 7000218],
    ['an assertion that is not a JWT', async () => form({ ...(await valid()), client_assertion: 'x.y.z' }), 400, 'invalid_request', 50027],
    ['an assertion of 100,000 characters', async () => form({ ...(await valid()), client_assertion: 'a'.repeat(100_000) }), 400, 'invalid_request', 50027],
    ['a JSON body', async () => request(app).post(`/${TENANT}/oauth2/v2.0/token`).set('content-type', 'application/json').send(JSON.stringify(await valid())), 400, 'invalid_request', 900144],
    ['binary garbage', async () => request(app).post(`/${TENANT}/oauth2/v2.0/token`).type('form').send(Buffer.from([0xff, 0x00, 0x25, 0x26, 0x3d])), 400, 'invalid_request', 900144],
    ['the interactive endpoint', async () => request(app).get(`/${TENANT}/oauth2/v2.0/authorize`), 400, 'invalid_request', undefined],
  ])('%s: %i %s', async (_why, send, status, error, code) => {
    const res = await send();
    expect([res.status, res.body.error, res.body.error_codes?.[0]]).toEqual([status, error, code]);
  });

  it('a body over 128 KiB: 413, unread', async () => {
    const res = await request(app).post(`/${TENANT}/oauth2/v2.0/token`).type('form').send(`client_assertion=${'a'.repeat(200_000)}`);
    expect([res.status, res.body.error]).toEqual([413, 'invalid_request']);
  });

  it('leaves every other path to the next handler', async () => {
    for (const path of ['/api/v1/namespaces', '/.well-known/openid-configuration', `/${TENANT}/oauth2/token`]) {
      expect((await request(app).get(path)).text).toBe('not here');
    }
  });
});
