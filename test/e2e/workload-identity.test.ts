import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/client/api-client.js';
import { type Connection, loadKubeconfig } from '../../src/client/kubeconfig.js';
import type { Container, Pod } from '../../src/registry/types.js';
import { freePorts } from '../helpers/etcd.js';
import { CLI, cleanup, ROOT, run, startServer, type ServerProcess } from '../helpers/server-process.js';

// One `satoken serve --workload-identity=aws,azure` whose issuer is its own URL, one `satoken
// kubelet` for node-1, and the real SDKs in child processes given only the environment the
// webhooks inject (the token paths mapped to where the kubelet wrote them), the STS endpoint
// and the CA: what a pod on EKS or AKS would run.

const ROLE_ARN = 'arn:aws:iam::111122223333:role/s3-reader';
const CLIENT_ID = '0b1c5b3d-1111-4222-8333-444455556666';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

let port: number;
let issuer: string;
let dir: string;
let server: ServerProcess;
let admin: Connection;
let agent: ChildProcess | undefined;
let agentErr = '';
let root: string;
let pod: Pod;
let awsTokenFile: string;
let azureTokenFile: string;

const api = (method: string, path: string, body?: unknown) => apiRequest(admin, method, path, body);
const serveArgs = (...extra: string[]) => ['--secure-port', String(port), '--workload-identity=aws,azure', '--workload-identity-aws-region', 'eu-west-1', ...extra];

async function until<T>(what: string, fn: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; kubelet stderr:\n${agentErr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function envOf(c: Container): Record<string, string> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
}

/** Runs an ESM snippet with the repository's node_modules, a clean HOME and exactly this environment. */
function node(code: string, env: Record<string, string>): { status: number | null; out: unknown; stderr: string } {
  const home = join(dir, 'sdk-home');
  mkdirSync(home, { recursive: true });
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: home, NODE_EXTRA_CA_CERTS: join(dir, 'keys', 'ca.crt'), ...env }, encoding: 'utf8', timeout: 60_000 });
  let out: unknown;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    out = r.stdout;
  }
  return { status: r.status, out, stderr: r.stderr };
}

/** The AWS SDK's default credential chain, as an IRSA pod runs it, then GetCallerIdentity with what it got. */
const AWS_DEFAULT_CHAIN = `
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
try {
  const me = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  console.log(JSON.stringify({ Arn: me.Arn, Account: me.Account, UserId: me.UserId }));
} catch (e) {
  console.log(JSON.stringify({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }));
}`;

/** fromTokenFile() with nothing but the environment. */
const AWS_FROM_TOKEN_FILE = `
import { fromTokenFile } from '@aws-sdk/credential-providers';
try {
  const c = await fromTokenFile()();
  console.log(JSON.stringify({ accessKeyId: c.accessKeyId, expiration: c.expiration }));
} catch (e) {
  console.log(JSON.stringify({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }));
}`;

/** WorkloadIdentityCredential from the webhook's environment; disableInstanceDiscovery is the one option satoken needs. */
const AZURE = `
import { WorkloadIdentityCredential } from '@azure/identity';
try {
  const t = await new WorkloadIdentityCredential({ disableInstanceDiscovery: true }).getToken('https://management.azure.com/.default');
  console.log(JSON.stringify({ claims: JSON.parse(Buffer.from(t.token.split('.')[1], 'base64url').toString()) }));
} catch (e) {
  console.log(JSON.stringify({ name: e.name, message: e.message }));
}`;

function awsEnv(c: Container, tokenFile = awsTokenFile): Record<string, string> {
  const e = envOf(c);
  return { AWS_ROLE_ARN: e.AWS_ROLE_ARN!, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_REGION: e.AWS_REGION!, AWS_DEFAULT_REGION: e.AWS_DEFAULT_REGION!, AWS_ENDPOINT_URL_STS: `${issuer}/aws/sts`, AWS_ROLE_SESSION_NAME: 'e2e' };
}

function azureEnv(c: Container, tokenFile = azureTokenFile): Record<string, string> {
  const e = envOf(c);
  return { AZURE_CLIENT_ID: e.AZURE_CLIENT_ID!, AZURE_TENANT_ID: e.AZURE_TENANT_ID!, AZURE_AUTHORITY_HOST: e.AZURE_AUTHORITY_HOST!, AZURE_FEDERATED_TOKEN_FILE: tokenFile };
}

/** A raw request to the server, trusting its CA: for the exchanges' error answers. */
function post(path: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString();
  return new Promise((ok, fail) => {
    const req = httpsRequest(`${issuer}${path}`, { method: 'POST', ca: readFileSync(join(dir, 'keys', 'ca.crt'), 'utf8'), headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => ok({ status: res.statusCode!, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const sts = (token: string, roleArn = ROLE_ARN) => post('/aws/sts', { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: roleArn, RoleSessionName: 'e2e', WebIdentityToken: token });
const entra = (token: string) =>
  post(`/${TENANT_ID}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: CLIENT_ID, scope: 'https://management.azure.com/.default', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: token });
const stsCode = (r: { status: number; body: string }) => [r.status, /<Code>(.*)<\/Code>/.exec(r.body)?.[1]];
const entraCode = (r: { status: number; body: string }) => [r.status, (JSON.parse(r.body) as { error_codes?: number[] }).error_codes?.[0]];

async function createToken(sa: string, audience: string): Promise<string> {
  const res = await api('POST', `/api/v1/namespaces/default/serviceaccounts/${sa}/token`, { spec: { audiences: [audience], expirationSeconds: 3600 } });
  expect(res.status).toBe(201);
  return res.json<{ status: { token: string } }>().status.token;
}

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  issuer = `https://127.0.0.1:${port}`;
  server = await startServer(serveArgs('--service-account-issuer', issuer));
  dir = server.dir;
  admin = loadKubeconfig(server.kubeconfig);
  const home = join(dir, 'agent-home');
  mkdirSync(home, { recursive: true });
  const nodeKubeconfig = join(dir, 'node-1.kubeconfig');
  const made = run(process.execPath, [CLI, 'kubeconfig', '--user', 'system:node:node-1', '--group', 'system:nodes', '--out', nodeKubeconfig, '--keys-dir', join(dir, 'keys')], { KUBECONFIG: server.kubeconfig, HOME: home });
  expect(made.status, made.stderr).toBe(0);
  root = join(dir, 'kubelet');
  agent = spawn(process.execPath, [CLI, 'kubelet', '--node', 'node-1', '--root', root, '--kubeconfig', nodeKubeconfig], { cwd: dir, env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let agentOut = '';
  agent.stdout!.on('data', (c: Buffer) => (agentOut += c.toString()));
  agent.stderr!.on('data', (c: Buffer) => (agentErr += c.toString()));
  await until('the kubelet', () => agentOut.includes('satoken kubelet ready: '));
}, 60_000);

afterAll(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await server?.stop();
  if (dir) cleanup(dir);
});

describe('IRSA and Azure Workload Identity through satoken serve and satoken kubelet', () => {
  it('declares the cloud side: an AWSRole and an AzureFederatedCredential trusting this issuer', async () => {
    const role = await api('POST', '/apis/testing.satoken.dev/v1alpha1/awsroles', {
      apiVersion: 'testing.satoken.dev/v1alpha1',
      kind: 'AWSRole',
      metadata: { name: 's3-reader' },
      spec: { arn: ROLE_ARN, oidcProvider: { url: issuer }, conditions: { StringEquals: { sub: 'system:serviceaccount:default:app' } } },
    });
    expect(role.status, role.body).toBe(201);
    expect(role.json<{ spec: unknown }>().spec).toEqual({ arn: ROLE_ARN, oidcProvider: { url: issuer, clientIDs: ['sts.amazonaws.com'] }, conditions: { StringEquals: { sub: 'system:serviceaccount:default:app' } }, maxSessionDuration: 3600 });
    const fic = await api('POST', '/apis/testing.satoken.dev/v1alpha1/azurefederatedcredentials', {
      apiVersion: 'testing.satoken.dev/v1alpha1',
      kind: 'AzureFederatedCredential',
      metadata: { name: 'app' },
      spec: { tenantID: TENANT_ID, clientID: CLIENT_ID, issuer, subject: 'system:serviceaccount:default:app' },
    });
    expect(fic.status, fic.body).toBe(201);
    const bad = await api('POST', '/apis/testing.satoken.dev/v1alpha1/awsroles', { metadata: { name: 'bad' }, spec: { arn: 'arn:aws:iam::1:role/x', oidcProvider: { url: 'ftp://x' } } });
    expect(bad.status).toBe(422);
    expect(bad.json<{ message: string }>().message).toBe(
      'AWSRole.testing.satoken.dev "bad" is invalid: [spec.arn: Invalid value: "arn:aws:iam::1:role/x": must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>, spec.oidcProvider.url: Invalid value: "ftp://x": must be an https (or, locally, http) URL]',
    );
  });

  it('mutates an annotated service account’s pod as the Azure webhook (v1.5.1) and then the EKS webhook do', async () => {
    const sa = await api('POST', '/api/v1/namespaces/default/serviceaccounts', {
      metadata: { name: 'app', annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN, 'eks.amazonaws.com/sts-regional-endpoints': 'true', 'azure.workload.identity/client-id': CLIENT_ID, 'azure.workload.identity/tenant-id': TENANT_ID } },
    });
    expect(sa.status).toBe(201);
    const created = await api('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'web', labels: { 'azure.workload.identity/use': 'true' } },
      spec: { serviceAccountName: 'app', nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox' }] },
    });
    expect(created.status, created.body).toBe(201);
    pod = created.json<Pod>();
    const volumes = pod.spec.volumes!;
    expect(volumes.map((v) => v.name)).toEqual(['aws-iam-token', expect.stringMatching(/^kube-api-access-[a-z0-9]{5}$/), 'azure-identity-token']);
    expect(volumes[0]).toEqual({ name: 'aws-iam-token', projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' } }], defaultMode: 420 } });
    expect(volumes[2]).toEqual({ name: 'azure-identity-token', projected: { sources: [{ serviceAccountToken: { path: 'azure-identity-token', expirationSeconds: 3600, audience: 'api://AzureADTokenExchange' } }], defaultMode: 420 } });
    const c = pod.spec.containers[0]!;
    expect(c.env).toEqual([
      { name: 'AZURE_CLIENT_ID', value: CLIENT_ID },
      { name: 'AZURE_TENANT_ID', value: TENANT_ID },
      { name: 'AZURE_FEDERATED_TOKEN_FILE', value: '/var/run/secrets/azure/tokens/azure-identity-token' },
      { name: 'AZURE_AUTHORITY_HOST', value: `${issuer}/` },
      { name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' },
      { name: 'AWS_DEFAULT_REGION', value: 'eu-west-1' },
      { name: 'AWS_REGION', value: 'eu-west-1' },
      { name: 'AWS_ROLE_ARN', value: ROLE_ARN },
      { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' },
    ]);
    expect(c.volumeMounts).toEqual([
      { name: volumes[1]!.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      { name: 'azure-identity-token', mountPath: '/var/run/secrets/azure/tokens', readOnly: true },
      { name: 'aws-iam-token', readOnly: true, mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount' },
    ]);
  });

  it('has the kubelet write both tokens, with the audiences the webhooks asked for, bound to the pod', async () => {
    const projected = join(root, 'pods', pod.metadata.uid!, 'volumes', 'kubernetes.io~projected');
    awsTokenFile = join(projected, 'aws-iam-token', 'token');
    azureTokenFile = join(projected, 'azure-identity-token', 'azure-identity-token');
    await until('the token files', () => existsSync(awsTokenFile) && existsSync(azureTokenFile));
    const claims = (f: string) => JSON.parse(Buffer.from(readFileSync(f, 'utf8').split('.')[1]!, 'base64url').toString()) as { aud: string[]; iss: string; exp: number; iat: number; 'kubernetes.io': { pod: { name: string } } };
    const aws = claims(awsTokenFile);
    const azure = claims(azureTokenFile);
    expect([aws.aud, aws.iss, aws.exp - aws.iat, aws['kubernetes.io'].pod.name]).toEqual([['sts.amazonaws.com'], issuer, 86400, 'web']);
    expect([azure.aud, azure.iss, azure.exp - azure.iat]).toEqual([['api://AzureADTokenExchange'], issuer, 3600]);
  });

  it('the AWS SDK’s default chain gets credentials from the token file, and GetCallerIdentity names the role', () => {
    const r = node(AWS_DEFAULT_CHAIN, awsEnv(pod.spec.containers[0]!));
    expect(r.out, r.stderr).toEqual({ Arn: 'arn:aws:sts::111122223333:assumed-role/s3-reader/e2e', Account: '111122223333', UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:e2e$/) });
  });

  it('fromTokenFile() does the same from the environment alone', () => {
    const r = node(AWS_FROM_TOKEN_FILE, awsEnv(pod.spec.containers[0]!));
    expect(r.out, r.stderr).toEqual({ accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/), expiration: expect.any(String) });
  });

  it('WorkloadIdentityCredential gets an Entra access token from the token file', () => {
    const r = node(AZURE, azureEnv(pod.spec.containers[0]!));
    expect(r.out, r.stderr).toMatchObject({ claims: { aud: 'https://management.azure.com', azp: CLIENT_ID, tid: TENANT_ID, iss: `${issuer}/${TENANT_ID}/v2.0` } });
  });

  it('a wrong audience: InvalidIdentityToken from STS (through the SDK) and AADSTS700212 from Entra', async () => {
    const wrongAws = join(dir, 'wrong-aud-aws');
    writeFileSync(wrongAws, await createToken('app', 'api://AzureADTokenExchange'));
    const r = node(AWS_FROM_TOKEN_FILE, awsEnv(pod.spec.containers[0]!, wrongAws));
    expect(r.out, r.stderr).toEqual({ name: 'InvalidIdentityTokenException', message: 'Incorrect token audience', status: 400 });
    expect(entraCode(await entra(await createToken('app', 'sts.amazonaws.com')))).toEqual([401, 700212]);
  });

  it('a trust condition that does not match the service account: AccessDenied and AADSTS700213', async () => {
    expect((await api('POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'other' } })).status).toBe(201);
    expect(stsCode(await sts(await createToken('other', 'sts.amazonaws.com')))).toEqual([403, 'AccessDenied']);
    const az = await entra(await createToken('other', 'api://AzureADTokenExchange'));
    expect(entraCode(az)).toEqual([401, 700213]);
    expect(JSON.parse(az.body).error_description).toMatch(/^AADSTS700213: No matching federated identity record found for presented assertion subject 'system:serviceaccount:default:other'\./);
  });

  it('refuses hostile requests in the clouds’ shapes, and the server answers Kubernetes requests as before', async () => {
    expect(stsCode(await post('/aws/sts', { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ROLE_ARN, RoleSessionName: 'e2e', WebIdentityToken: 'x'.repeat(25_000) }))).toEqual([400, 'ValidationError']);
    expect(entraCode(await post(`/${TENANT_ID}/oauth2/v2.0/token`, { grant_type: 'client_credentials' }))).toEqual([400, 900144]);
    expect((await api('GET', '/api/v1/namespaces/default/serviceaccounts/app')).status).toBe(200);
    expect(server.stderr()).not.toMatch(/"level":50/);
  });

  it('after a restart whose first issuer is unreachable: the old tokens’ discovery names another issuer, and new tokens’ discovery cannot be fetched', async () => {
    const oldAws = readFileSync(awsTokenFile, 'utf8');
    const oldAzure = readFileSync(azureTokenFile, 'utf8');
    agent?.kill('SIGKILL');
    agent = undefined;
    await server.stop();
    const unreachable = 'https://127.0.0.1:1';
    server = await startServer(serveArgs('--service-account-issuer', unreachable, '--service-account-issuer', issuer), dir);
    admin = loadKubeconfig(server.kubeconfig);
    for (const [kind, name, spec] of [
      ['awsroles', 'unreachable', { arn: 'arn:aws:iam::111122223333:role/unreachable', oidcProvider: { url: unreachable } }],
      ['azurefederatedcredentials', 'unreachable', { tenantID: TENANT_ID, clientID: CLIENT_ID, issuer: unreachable, subject: 'system:serviceaccount:default:app' }],
    ] as const) {
      expect((await api('POST', `/apis/testing.satoken.dev/v1alpha1/${kind}`, { metadata: { name }, spec })).status).toBe(201);
    }
    // the old tokens still authenticate in the cluster (their issuer is still accepted) ...
    expect((await api('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { spec: { token: oldAws, audiences: ['sts.amazonaws.com'] } })).json<{ status: { authenticated: boolean } }>().status.authenticated).toBe(true);
    // ... but the document at their issuer's URL names https://127.0.0.1:1 (keycloak#49039)
    expect(stsCode(await sts(oldAws))).toEqual([400, 'InvalidIdentityToken']);
    expect(entraCode(await entra(oldAzure))).toEqual([400, 50166]);
    // new tokens carry the unreachable issuer: the clouds cannot fetch its discovery document
    expect(stsCode(await sts(await createToken('app', 'sts.amazonaws.com'), 'arn:aws:iam::111122223333:role/unreachable'))).toEqual([400, 'IDPCommunicationError']);
    expect(entraCode(await entra(await createToken('app', 'api://AzureADTokenExchange')))).toEqual([400, 90061]);
  });

  it('after a restart with a new signing key only: tokens signed by the rotated-out key fail verification', async () => {
    await server.stop();
    const keyFile = join(dir, 'new-sa.key');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    server = await startServer(serveArgs('--service-account-issuer', issuer, '--service-account-signing-key-file', keyFile, '--service-account-key-file', keyFile), dir);
    admin = loadKubeconfig(server.kubeconfig);
    // the tokens the kubelet wrote in the first run name this issuer, and the key now gone
    const r = await sts(readFileSync(awsTokenFile, 'utf8'));
    expect(stsCode(r)).toEqual([400, 'InvalidIdentityToken']);
    expect(r.body).toContain("<Message>Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements</Message>");
    expect(entraCode(await entra(readFileSync(azureTokenFile, 'utf8')))).toEqual([401, 700027]);
  });
});
