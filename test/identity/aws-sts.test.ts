import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTokenFile } from '@aws-sdk/credential-providers';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StsCredentialStore } from '../../src/identity/aws/sts-credentials.js';
import { stsEndpoint } from '../../src/identity/aws/sts-endpoint.js';
import type { TokenExchangeRecord } from '../../src/identity/exchange-record.js';
import { jsonFetcher } from '../../src/identity/oidc/fetch-json.js';
import type { AWSRole } from '../../src/registry/kinds/trust.js';
import { staticTrustRules, type TrustRules } from '../../src/identity/trust-rules.js';
import { startIssuer, type TestIssuer } from './issuer-server.js';

const ARN = 'arn:aws:iam::111122223333:role/s3-reader';
let issuer: TestIssuer;
let sts: Server;
let stsUrl: string;
let app: express.Express;
let rules: TrustRules;
let store: StsCredentialStore;
const records: TokenExchangeRecord[] = [];
const dir = mkdtempSync(join(tmpdir(), 'satoken-sts-'));

function role(overrides: Partial<AWSRole['spec']> = {}, url?: string): AWSRole {
  return {
    apiVersion: 'testing.satoken.dev/v1alpha1',
    kind: 'AWSRole',
    metadata: { name: 's3-reader' },
    spec: { arn: ARN, oidcProvider: { url: url ?? issuer.url }, conditions: { StringEquals: { sub: 'system:serviceaccount:default:app' } }, ...overrides },
  };
}

async function token(audiences = ['sts.amazonaws.com']): Promise<string> {
  return (await issuer.emu.requestToken('default', 'app', { audiences, expirationSeconds: 3600 })).status.token;
}

/** The AWS SDK's web identity provider, as an IRSA pod runs it (token file, role, STS endpoint). */
async function sdkCredentials(tok: string, extra: { roleArn?: string; durationSeconds?: number } = {}) {
  const file = join(dir, `token-${Math.random()}`);
  writeFileSync(file, tok);
  return fromTokenFile({ webIdentityTokenFile: file, roleArn: extra.roleArn ?? ARN, roleSessionName: 'test-session', ...(extra.durationSeconds ? { durationSeconds: extra.durationSeconds } : {}), clientConfig: { endpoint: `${stsUrl}/aws/sts`, region: 'us-east-1', maxAttempts: 1, systemClockOffset: skew() } })();
}

/** How far the emulator's manual clock is ahead of the wall clock the SDK signs with (the SDKs' own skew correction). */
const skew = () => issuer.emu.clock.now() - Date.now();

async function sdkError(tok: string, extra: { roleArn?: string; durationSeconds?: number } = {}): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await sdkCredentials(tok, extra);
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('the exchange succeeded');
}

beforeAll(async () => {
  issuer = await startIssuer();
  await issuer.emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'default' } });
  store = new StsCredentialStore();
  app = express();
  app.use('/aws/sts', stsEndpoint({ trust: { awsRoles: () => rules.awsRoles(), azureCredentials: () => [] }, fetchJson: jsonFetcher({ timeoutMs: 2000 }), clock: issuer.clock, credentials: store, onExchange: (r) => records.push(r) }));
  sts = createServer(app);
  await new Promise<void>((ok) => sts.listen(0, '127.0.0.1', ok));
  stsUrl = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
});

beforeEach(() => {
  issuer.mode = 'ok';
  rules = staticTrustRules([role()]);
  records.length = 0;
});

afterAll(async () => {
  await new Promise<void>((ok) => {
    sts.close(() => ok());
    sts.closeAllConnections();
  });
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
});

const useRules = (...roles: AWSRole[]) => (rules = staticTrustRules(roles));

describe('AssumeRoleWithWebIdentity with the AWS SDK (fromTokenFile), verifying against the issuer over HTTP', () => {
  it('issues temporary credentials, which GetCallerIdentity answers for, recorded with the token’s credential id', async () => {
    const tok = await token();
    const creds = await sdkCredentials(tok);
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.secretAccessKey).toHaveLength(40);
    expect(creds.sessionToken!.length).toBeGreaterThan(200);
    expect(creds.expiration!.getTime() - issuer.emu.clock.now()).toBeGreaterThan(3590_000);
    expect(issuer.hits.slice(-2)).toEqual(['/.well-known/openid-configuration', '/openid/v1/jwks']);
    const client = new STSClient({ endpoint: `${stsUrl}/aws/sts`, region: 'us-east-1', credentials: creds, maxAttempts: 1, systemClockOffset: skew() });
    const me = await client.send(new GetCallerIdentityCommand({}));
    expect({ Arn: me.Arn, Account: me.Account }).toEqual({ Arn: 'arn:aws:sts::111122223333:assumed-role/s3-reader/test-session', Account: '111122223333' });
    expect(me.UserId).toMatch(/^AROA[A-Z2-7]{17}:test-session$/);
    const jti = JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(records.map((r) => [r.operation, r.outcome, r.credentialId, r.principal])).toEqual([
      ['AssumeRoleWithWebIdentity', 'issued', `JTI=${jti}`, ARN],
      ['GetCallerIdentity', 'answered', `JTI=${jti}`, 'arn:aws:sts::111122223333:assumed-role/s3-reader/test-session'],
    ]);
    expect(records[0]).toMatchObject({ cloud: 'aws', issuer: issuer.url, subject: 'system:serviceaccount:default:app', audience: 'sts.amazonaws.com', issued: { id: creds.accessKeyId } });
    expect(JSON.stringify(records)).not.toContain(creds.secretAccessKey);
  });

  it('answers with STS’s XML, field for field', async () => {
    const tok = await token();
    const res = await request(app).post('/aws/sts').type('form').send({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 's1', WebIdentityToken: tok, DurationSeconds: '900' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml');
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const c = store.get(/<AccessKeyId>(.*)<\/AccessKeyId>/.exec(res.text)![1]!)!;
    expect(res.text).toBe(
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <AssumeRoleWithWebIdentityResult>\n    <SubjectFromWebIdentityToken>system:serviceaccount:default:app</SubjectFromWebIdentityToken>\n    <Audience>sts.amazonaws.com</Audience>\n    <AssumedRoleUser>\n      <Arn>arn:aws:sts::111122223333:assumed-role/s3-reader/s1</Arn>\n      <AssumedRoleId>${c.assumedRoleId}</AssumedRoleId>\n    </AssumedRoleUser>\n    <Credentials>\n      <SessionToken>${c.sessionToken.replace(/\//g, '/')}</SessionToken>\n      <SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>\n      <Expiration>${new Date(Math.floor(issuer.emu.clock.now() / 1000) * 1000 + 900_000).toISOString().replace('.000Z', 'Z')}</Expiration>\n      <AccessKeyId>${c.accessKeyId}</AccessKeyId>\n    </Credentials>\n    <Provider>arn:aws:iam::111122223333:oidc-provider/${issuer.url.slice('http://'.length)}</Provider>\n  </AssumeRoleWithWebIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${res.headers['x-amzn-requestid']}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleWithWebIdentityResponse>\n`,
    );
  });

  it('takes the query-string form too (GET), as STS does', async () => {
    const q = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 's2', WebIdentityToken: await token() });
    const res = await request(app).get(`/aws/sts?${q}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Arn>arn:aws:sts::111122223333:assumed-role/s3-reader/s2</Arn>');
  });

  it('lets StringLike conditions on sub and AWS-style keys on aud through', async () => {
    const key = issuer.url.slice('http://'.length);
    useRules(role({ conditions: { StringLike: { sub: 'system:serviceaccount:default:*' }, StringEquals: { [`${key}:aud`]: 'sts.amazonaws.com' } } }));
    await expect(sdkCredentials(await token())).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
  });

  it('serves twenty concurrent exchanges, each its own credentials', async () => {
    const tok = await token();
    const all = await Promise.all(Array.from({ length: 20 }, () => sdkCredentials(tok)));
    expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(20);
  });
});

describe('the failure modes, each with STS’s error code, status and message', () => {
  it('a wrong audience: InvalidIdentityToken, Incorrect token audience', async () => {
    expect(await sdkError(await token(['api://AzureADTokenExchange']))).toEqual({ name: 'InvalidIdentityTokenException', status: 400, message: 'Incorrect token audience' });
    expect(records.at(-1)).toMatchObject({ outcome: 'refused', error: 'InvalidIdentityToken', audience: 'api://AzureADTokenExchange' });
  });

  it('an issuer no role trusts: InvalidIdentityToken, No OpenIDConnect provider found', async () => {
    useRules(role({}, 'https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE'));
    expect(await sdkError(await token())).toEqual({ name: 'InvalidIdentityTokenException', status: 400, message: `No OpenIDConnect provider found in your account for ${issuer.url}` });
  });

  it('a discovery document naming another issuer: InvalidIdentityToken, no verification key', async () => {
    issuer.mode = 'wrong-issuer';
    expect(await sdkError(await token())).toEqual({ name: 'InvalidIdentityTokenException', status: 400, message: "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements" });
  });

  it.each(['down', 'status-500'] as const)('discovery unreachable (%s): IDPCommunicationError', async (mode) => {
    issuer.mode = mode;
    const e = await sdkError(await token());
    expect([e.name, e.status]).toEqual(['IDPCommunicationErrorException', 400]);
  });

  it('an expired token: ExpiredTokenException with AWS’s message', async () => {
    const tok = await token();
    const exp = JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString()).exp as number;
    await issuer.emu.clock.advance(3601_000);
    const now = Math.floor(issuer.emu.clock.now() / 1000);
    expect(await sdkError(tok)).toEqual({ name: 'ExpiredTokenException', status: 400, message: `Token expired: current date/time ${now} must be before the expiration date/time ${exp}` });
  });

  it('a token whose key was rotated out of the JWKS: InvalidIdentityToken, no verification key', async () => {
    const tok = await token();
    issuer.mode = 'no-keys';
    expect((await sdkError(tok)).message).toBe("Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
  });

  it('a token signed by a key the issuer never published: InvalidIdentityToken', async () => {
    const { createEmulator } = await import('../../src/emulator.js');
    const impostor = await createEmulator({ clock: 'manual', issuer: issuer.url });
    await impostor.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'default' } });
    const forged = (await impostor.requestToken('default', 'app', { audiences: ['sts.amazonaws.com'] })).status.token;
    await impostor.close();
    expect((await sdkError(forged)).name).toBe('InvalidIdentityTokenException');
  });

  it.each([
    ['a sub the trust policy does not name', { conditions: { StringEquals: { sub: 'system:serviceaccount:default:other' } } }, ARN],
    ['a StringNotLike that matches', { conditions: { StringNotLike: { sub: 'system:serviceaccount:default:*' } } }, ARN],
    ['a role that is not declared', {}, 'arn:aws:iam::111122223333:role/other'],
  ])('%s: AccessDenied (403)', async (_why, spec, arn) => {
    useRules(role(spec));
    expect(await sdkError(await token(), { roleArn: arn })).toEqual({ name: 'AccessDenied', status: 403, message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
  });

  it('a duration beyond the role’s MaxSessionDuration: ValidationError', async () => {
    expect(await sdkError(await token(), { durationSeconds: 7200 })).toEqual({ name: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
  });
});

describe('hostile and malformed requests get STS’s error shapes, never a 500', () => {
  const form = (fields: Record<string, string>) => request(app).post('/aws/sts').type('form').send(fields);
  const code = (xml: string) => /<Code>(.*)<\/Code>/.exec(xml)?.[1];
  const message = (xml: string) => /<Message>(.*)<\/Message>/s.exec(xml)?.[1];

  it('renders an error exactly as STS does', async () => {
    const res = await form({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 'ss', WebIdentityToken: 'not-a-jwt' });
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidIdentityToken</Code>\n    <Message>The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)</Message>\n  </Error>\n  <RequestId>${res.headers['x-amzn-requestid']}</RequestId>\n</ErrorResponse>\n`,
    );
  });

  it.each([
    ['no Action', {}, 400, 'MissingAction', 'Missing Action'],
    ['an unknown Action', { Action: 'DropTables', Version: '2011-06-15' }, 400, 'InvalidAction', "Could not find operation DropTables for version 2011-06-15: satoken's STS serves AssumeRoleWithWebIdentity and GetCallerIdentity"],
    ['another API version', { Action: 'AssumeRoleWithWebIdentity', Version: '2010-01-01' }, 400, 'InvalidAction', 'Could not find operation AssumeRoleWithWebIdentity for version 2010-01-01'],
    ['no Version', { Action: 'AssumeRoleWithWebIdentity' }, 400, 'InvalidAction', 'Could not find operation AssumeRoleWithWebIdentity for version NO_VERSION_SPECIFIED'],
    [
      'no parameters',
      { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15' },
      400,
      'ValidationError',
      "3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null; Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a bad session name and duration',
      { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 'a b<c>', WebIdentityToken: 'xxxxx', DurationSeconds: '60' },
      400,
      'ValidationError',
      "2 validation errors detected: Value 'a b&lt;c&gt;' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    ],
    ['a non-numeric duration', { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 'ss', WebIdentityToken: 'xxxxx', DurationSeconds: '1e9' }, 400, 'ValidationError', "1 validation error detected: Value '1e9' at 'durationSeconds' failed to satisfy constraint: Member must be an integer"],
    ['a token of 30,000 characters (never echoed)', { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 'ss', WebIdentityToken: 'e'.repeat(30000) }, 400, 'ValidationError', "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000"],
    ['a JWT with alg none', { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 'ss', WebIdentityToken: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"x"}').toString('base64url')}.` }, 400, 'InvalidIdentityToken', 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)'],
    ['a JWT without aud', { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 'ss', WebIdentityToken: `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"iss":"x","sub":"y","exp":1}').toString('base64url')}.c2ln` }, 400, 'InvalidIdentityToken', 'Missing a required claim: aud'],
  ])('%s: %i %s', async (_why, fields, status, c, m) => {
    const res = await form(fields as Record<string, string>);
    expect([res.status, code(res.text), message(res.text)]).toEqual([status, c, m]);
  });

  it('a body over 128 KiB: 413 with an ErrorResponse, the rest unread', async () => {
    const res = await request(app).post('/aws/sts').type('form').send(`Action=AssumeRoleWithWebIdentity&WebIdentityToken=${'a'.repeat(200_000)}`);
    expect([res.status, code(res.text)]).toEqual([413, 'RequestEntityTooLarge']);
  });

  it.each([
    ['invalid UTF-8 and broken percent-escapes', Buffer.from([0x41, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x3d, 0xff, 0xfe, 0x25, 0x5a, 0x26])],
    ['a JSON body', Buffer.from('{"Action":"AssumeRoleWithWebIdentity"}')],
    ['NUL bytes', Buffer.alloc(1000)],
  ])('%s: a 4xx ErrorResponse', async (_why, body) => {
    const res = await request(app).post('/aws/sts').set('content-type', _why === 'a JSON body' ? 'application/json' : 'application/x-www-form-urlencoded').send(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text).toMatch(/^<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
  });
});

describe('GetCallerIdentity authenticates the credentials it issued (SigV4)', () => {
  const call = (creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => new STSClient({ endpoint: `${stsUrl}/aws/sts`, region: 'us-east-1', credentials: creds, maxAttempts: 1, systemClockOffset: skew() }).send(new GetCallerIdentityCommand({}));
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return [err.name, err.$metadata?.httpStatusCode, err.message];
    }
    throw new Error('answered');
  };

  it.each([
    ['an unknown access key', (c: Creds) => ({ ...c, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }), ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.']],
    ['another session token', (c: Creds) => ({ ...c, sessionToken: 'x' }), ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.']],
    ['a wrong secret', (c: Creds) => ({ ...c, secretAccessKey: 'y'.repeat(40) }), ['SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.']],
  ])('%s', async (_why, change, expected) => {
    const creds = await sdkCredentials(await token());
    expect(await failure(call(change(creds as Creds)))).toEqual(expected);
  });

  it('expired credentials: ExpiredToken', async () => {
    const creds = await sdkCredentials(await token(), { durationSeconds: 900 });
    await issuer.emu.clock.advance(901_000);
    const e = await failure(call(creds as Creds));
    expect(e).toEqual(['ExpiredToken', 403, 'The security token included in the request is expired']);
  });

  it('no signature at all: MissingAuthenticationToken', async () => {
    const res = await request(app).post('/aws/sts').type('form').send({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('an AssumeRoleWithWebIdentity through the SDK command itself answers the same', async () => {
    const out = await new STSClient({ endpoint: `${stsUrl}/aws/sts`, region: 'us-east-1', maxAttempts: 1 }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ARN, RoleSessionName: 'cmd', WebIdentityToken: await token() }));
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111122223333:assumed-role/s3-reader/cmd');
    expect(out.Provider).toBe(`arn:aws:iam::111122223333:oidc-provider/${issuer.url.slice('http://'.length)}`);
  });
});

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
