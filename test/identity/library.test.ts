import { Agent } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromTokenFile } from '@aws-sdk/credential-providers';
import { WorkloadIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ListeningEmulator, type TokenExchangeRecord } from '../../src/index.js';
import type { Pod } from '../../src/registry/types.js';
import { freePorts } from '../helpers/etcd.js';

// The library's option: createEmulator({ workloadIdentity }) and emu.listen() serve the webhooks
// and both exchanges on a manual clock, so expiry is a clock.advance away.

const ROLE_ARN = 'arn:aws:iam::111122223333:role/s3-reader';
const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '0b1c5b3d-1111-4222-8333-444455556666';
let emu: Emulator;
let srv: ListeningEmulator;
let issuer: string;
const records: TokenExchangeRecord[] = [];
const dir = mkdtempSync(join(tmpdir(), 'satoken-wi-lib-'));

beforeAll(async () => {
  const [port] = (await freePorts(1)) as [number];
  issuer = `https://127.0.0.1:${port}`;
  emu = await createEmulator({ clock: 'manual', issuer, workloadIdentity: { clouds: ['aws', 'azure'], azure: { tenantId: TENANT }, onExchange: (r) => records.push(r) } });
  srv = await emu.listen({ port });
  await emu.apply([
    { apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AWSRole', metadata: { name: 's3-reader' }, spec: { arn: ROLE_ARN, oidcProvider: { url: issuer }, conditions: { StringLike: { sub: 'system:serviceaccount:default:*' } } } },
    { apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AzureFederatedCredential', metadata: { name: 'app' }, spec: { tenantID: TENANT, clientID: CLIENT, issuer, subject: 'system:serviceaccount:default:app' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'default', annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN, 'azure.workload.identity/client-id': CLIENT } } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels: { 'azure.workload.identity/use': 'true' } }, spec: { serviceAccountName: 'app', nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox' }] } },
  ]);
  await emu.startKubelet({ nodeName: 'node-1', rootDir: dir });
});

afterAll(async () => {
  await srv.close();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

const skew = () => emu.clock.now() - Date.now();
const env = (name: string) => emu.get<Pod>('Pod', 'default', 'web')!.spec.containers[0]!.env!.find((e) => e.name === name)!.value!;
const tokenFile = (volume: string, file: string) => join(dir, 'pods', emu.get('Pod', 'default', 'web')!.metadata.uid!, 'volumes', 'kubernetes.io~projected', volume, file);
const aws = (file: string) => fromTokenFile({ webIdentityTokenFile: file, roleArn: env('AWS_ROLE_ARN'), roleSessionName: 'lib', clientConfig: { endpoint: `${srv.url}/aws/sts`, region: env('AWS_REGION'), maxAttempts: 1, systemClockOffset: skew(), requestHandler: { httpsAgent: new Agent({ ca: srv.caCert! }) } } })();
const azure = (file: string) =>
  new WorkloadIdentityCredential({ tenantId: env('AZURE_TENANT_ID'), clientId: env('AZURE_CLIENT_ID'), tokenFilePath: file, authorityHost: env('AZURE_AUTHORITY_HOST'), disableInstanceDiscovery: true, tlsOptions: { ca: srv.caCert! }, retryOptions: { maxRetries: 0 } }).getToken('https://management.azure.com/.default');

describe('createEmulator({ workloadIdentity }) with emu.listen() and emu.startKubelet()', () => {
  it('mutates the pod (AZURE_AUTHORITY_HOST is the listening URL; region us-east-1 by default)', () => {
    expect([env('AZURE_AUTHORITY_HOST'), env('AWS_REGION'), env('AZURE_TENANT_ID')]).toEqual([`${srv.url}/`, 'us-east-1', TENANT]);
  });

  it('exchanges the kubelet’s token files with both SDKs, recording each with the token’s credential id', async () => {
    records.length = 0;
    const awsFile = tokenFile('aws-iam-token', 'token');
    const azureFile = tokenFile('azure-identity-token', 'azure-identity-token');
    await expect(aws(awsFile)).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    await expect(azure(azureFile)).resolves.toMatchObject({ token: expect.stringMatching(/^eyJ/) });
    const jti = (f: string) => `JTI=${JSON.parse(Buffer.from(readFileSync(f, 'utf8').split('.')[1]!, 'base64url').toString()).jti}`;
    expect(records.map((r) => [r.cloud, r.outcome, r.credentialId])).toEqual([
      ['aws', 'issued', jti(awsFile)],
      ['azure', 'issued', jti(azureFile)],
    ]);
    // the request recorder lists each exchange as a use of the token the kubelet got for it
    const lineage = emu.tokenLineage(jti(awsFile).slice('JTI='.length));
    expect(lineage.issued?.user.username).toBe('system:node:node-1');
    const use = lineage.uses.find((u) => u.requestURI.startsWith('/aws/sts'));
    expect(use).toMatchObject({ verb: 'post', code: 200, user: { username: 'system:serviceaccount:default:app' } });
    expect(use!.event.annotations).toMatchObject({ 'workload-identity.satoken.dev/cloud': 'aws', 'workload-identity.satoken.dev/outcome': 'issued', 'workload-identity.satoken.dev/principal': ROLE_ARN, 'workload-identity.satoken.dev/issued-credential': expect.stringMatching(/^ASIA/) });
    expect(emu.tokenLineage(jti(azureFile).slice('JTI='.length)).uses.map((u) => [u.requestURI.split('?')[0], u.code])).toEqual([[`/${TENANT}/oauth2/v2.0/token`, 200]]);
  });

  it('an expired token: ExpiredTokenException and AADSTS700024', async () => {
    const tok = async (aud: string) => {
      const f = join(dir, `expiring-${aud.replace(/\W/g, '')}`);
      writeFileSync(f, (await emu.requestToken('default', 'app', { audiences: [aud], expirationSeconds: 600 })).status.token);
      return f;
    };
    const awsFile = await tok('sts.amazonaws.com');
    const azureFile = await tok('api://AzureADTokenExchange');
    await emu.clock.advance(601_000);
    await expect(aws(awsFile)).rejects.toMatchObject({ name: 'ExpiredTokenException', message: expect.stringMatching(/^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/) });
    await expect(azure(azureFile)).rejects.toThrow(/AADSTS700024: Client assertion is not within its valid time range/);
  });
});
