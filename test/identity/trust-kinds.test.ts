import { describe, expect, it } from 'vitest';
import { isStatusError } from '../../src/errors/index.js';
import { trustsWebIdentity } from '../../src/identity/aws/trust-policy.js';
import type { AWSRole } from '../../src/registry/kinds/trust.js';
import { staticTrustRules } from '../../src/identity/trust-rules.js';
import { readFirstCsvRecord, parseGoBool, parseGoInt64 } from '../../src/identity/webhooks/go-strconv.js';
import { parseWorkloadIdentityClouds } from '../../src/identity/workload-identity.js';
import { parseWorkloadIdentity } from '../../src/cli/serve-options.js';

const ISSUER = 'https://127.0.0.1:6443';
const role = (spec: Record<string, unknown>) => ({ apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AWSRole', metadata: { name: 'r' }, spec });
const fic = (spec: Record<string, unknown>) => ({ apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AzureFederatedCredential', metadata: { name: 'f' }, spec });

function invalid(obj: object): string {
  try {
    staticTrustRules([obj as never]);
  } catch (e) {
    if (isStatusError(e)) return `${e.code} ${e.message}`;
    throw e;
  }
  return 'valid';
}

describe('AWSRole and AzureFederatedCredential: defaults and validation', () => {
  it('defaults the provider’s client IDs, the session bound and the credential’s audience', () => {
    const rules = staticTrustRules([role({ arn: 'arn:aws:iam::111122223333:role/a', oidcProvider: { url: ISSUER } }), fic({ tenantID: 't', clientID: 'c', issuer: ISSUER, subject: 's' })]);
    expect(rules.awsRoles()[0]!.spec).toEqual({ arn: 'arn:aws:iam::111122223333:role/a', oidcProvider: { url: ISSUER, clientIDs: ['sts.amazonaws.com'] }, maxSessionDuration: 3600 });
    expect(rules.azureCredentials()[0]!.spec.audiences).toEqual(['api://AzureADTokenExchange']);
  });

  it.each([
    ['no spec', role(undefined as never), '422 AWSRole.testing.satoken.dev "r" is invalid: spec: Required value'],
    [
      'a bad ARN, provider URL and session bound',
      role({ arn: 'arn:aws:iam::12:role/x', oidcProvider: { url: 'https://x/?q=1', clientIDs: [] }, maxSessionDuration: 100 }),
      '422 AWSRole.testing.satoken.dev "r" is invalid: [spec.arn: Invalid value: "arn:aws:iam::12:role/x": must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>, spec.oidcProvider.url: Invalid value: "https://x/?q=1": must not have a query or a fragment, spec.oidcProvider.clientIDs: Invalid value: []: must have between 1 and 100 client IDs, spec.maxSessionDuration: Invalid value: 100: must be between 3600 and 43200 seconds]',
    ],
    [
      'an unknown operator and key',
      role({ arn: 'arn:aws:iam::111122223333:role/a', oidcProvider: { url: ISSUER }, conditions: { ForAnyValue: {}, StringLike: { email: 'x', sub: [] } } }),
      '422 AWSRole.testing.satoken.dev "r" is invalid: [spec.conditions: Unsupported value: "ForAnyValue": supported values: "StringEquals", "StringNotEquals", "StringLike", "StringNotLike", spec.conditions.StringLike: Unsupported value: "email": supported values: "sub", "aud", "127.0.0.1:6443:sub", "127.0.0.1:6443:aud", spec.conditions.StringLike[sub]: Invalid value: []: must be a string or a non-empty list of strings]',
    ],
    [
      'a credential with two audiences and no subject',
      fic({ tenantID: 'contoso onmicrosoft', clientID: 'c', issuer: ISSUER, audiences: ['a', 'b'] }),
      '422 AzureFederatedCredential.testing.satoken.dev "f" is invalid: [spec.tenantID: Invalid value: "contoso onmicrosoft": must consist of letters, digits, \'.\' and \'-\', spec.subject: Required value, spec.audiences: Invalid value: ["a","b"]: must have exactly one audience]',
    ],
    ['a bad name', { ...fic({ tenantID: 't', clientID: 'c', issuer: ISSUER, subject: 's' }), metadata: { name: 'Not_A_Name' } }, expect.stringMatching(/^422 AzureFederatedCredential\.testing\.satoken\.dev "Not_A_Name" is invalid: metadata\.name: Invalid value: "Not_A_Name": a lowercase RFC 1123 subdomain/)],
  ])('%s', (_why, obj, message) => {
    expect(invalid(obj)).toEqual(message);
  });
});

describe('trust policy conditions, as IAM evaluates them', () => {
  const r = (conditions: AWSRole['spec']['conditions']): AWSRole => role({ arn: 'arn:aws:iam::111122223333:role/a', oidcProvider: { url: ISSUER }, conditions }) as AWSRole;
  const ctx = { sub: 'system:serviceaccount:team-a:app', aud: 'sts.amazonaws.com' };
  it.each([
    ['no conditions', undefined, true],
    ['StringEquals on sub', { StringEquals: { sub: 'system:serviceaccount:team-a:app' } }, true],
    ['StringEquals, any of several values', { StringEquals: { sub: ['x', 'system:serviceaccount:team-a:app'] } }, true],
    ['StringEquals is case-sensitive', { StringEquals: { sub: 'system:serviceaccount:Team-A:app' } }, false],
    ['StringLike with *', { StringLike: { sub: 'system:serviceaccount:team-a:*' } }, true],
    ['StringLike with ?', { StringLike: { sub: 'system:serviceaccount:team-?:ap?' } }, true],
    ['StringLike does not treat regex characters as such', { StringLike: { sub: 'system:serviceaccount:team.a:*' } }, false],
    ['StringNotLike', { StringNotLike: { sub: 'system:serviceaccount:team-b:*' } }, true],
    ['StringNotEquals', { StringNotEquals: { aud: 'sts.amazonaws.com' } }, false],
    ['AWS-style keys', { StringEquals: { '127.0.0.1:6443:aud': 'sts.amazonaws.com', '127.0.0.1:6443:sub': 'system:serviceaccount:team-a:app' } }, true],
    ['every operator must hold', { StringEquals: { aud: 'sts.amazonaws.com' }, StringLike: { sub: 'system:serviceaccount:team-b:*' } }, false],
  ])('%s', (_why, conditions, allowed) => {
    expect(trustsWebIdentity(r(conditions as AWSRole['spec']['conditions']), ISSUER, ctx)).toBe(allowed);
  });

  it('trusts only its own provider (host and path, as AWS names providers)', () => {
    expect(trustsWebIdentity(r(undefined), 'https://127.0.0.1:6443/', ctx)).toBe(true);
    expect(trustsWebIdentity(r(undefined), 'https://127.0.0.1:6444', ctx)).toBe(false);
  });
});

describe('Go’s parsers, as the webhooks read annotations with them', () => {
  it.each([
    ['3600', 3600n],
    ['+3600', 3600n],
    ['-1', -1n],
    ['9223372036854775807', 9223372036854775807n],
  ])('ParseInt(%j) = %s', (s, n) => expect(parseGoInt64(s)).toBe(n));

  it.each([
    ['', 'strconv.ParseInt: parsing "": invalid syntax'],
    ['1h', 'strconv.ParseInt: parsing "1h": invalid syntax'],
    [' 1', 'strconv.ParseInt: parsing " 1": invalid syntax'],
    ['1_000', 'strconv.ParseInt: parsing "1_000": invalid syntax'],
    ['9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
  ])('ParseInt(%j) fails: %s', (s, message) => expect(() => parseGoInt64(s)).toThrow(message));

  it('ParseBool takes Go’s spellings only', () => {
    expect(['1', 't', 'T', 'TRUE', 'true', 'True'].map(parseGoBool)).toEqual([true, true, true, true, true, true]);
    expect(['0', 'f', 'F', 'FALSE', 'false', 'False'].map(parseGoBool)).toEqual([false, false, false, false, false, false]);
    expect(() => parseGoBool('yes')).toThrow('strconv.ParseBool: parsing "yes": invalid syntax');
  });

  it.each([
    ['a,b', ['a', 'b']],
    ['a,,b', ['a', '', 'b']],
    [' a , b', [' a ', ' b']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['"multi\nline",x', ['multi\nline', 'x']],
    ['\n\na,b\nc', ['a', 'b']],
    ['a,b\r\nc', ['a', 'b']],
    ['', undefined],
    ['a"b', undefined],
    ['"a"b', undefined],
    ['"open', undefined],
  ])('the first CSV record of %j', (s, record) => expect(readFirstCsvRecord(s)).toEqual(record));
});

describe('--workload-identity and its settings', () => {
  it('parses the clouds, with the webhooks’ defaults', () => {
    expect(parseWorkloadIdentityClouds('aws, azure')).toEqual(['aws', 'azure']);
    expect(parseWorkloadIdentity({ workloadIdentity: 'azure', workloadIdentityAzureTenantId: 'contoso.onmicrosoft.com' })).toEqual({ clouds: ['azure'], aws: { region: 'us-east-1' }, azure: { tenantId: 'contoso.onmicrosoft.com' } });
    expect(parseWorkloadIdentity({})).toBeUndefined();
  });

  it.each([
    [{ workloadIdentity: 'gcp' }, '--workload-identity: unknown cloud "gcp" (known: aws, azure)'],
    [{ workloadIdentity: 'aws,aws' }, '--workload-identity: "aws" is given more than once'],
    [{ workloadIdentity: ',' }, '--workload-identity: name at least one cloud (aws, azure)'],
    [{ workloadIdentity: 'aws', workloadIdentityAwsRegion: 'mars' }, '--workload-identity-aws-region: "mars" is not an AWS region (such as us-east-1)'],
    [{ workloadIdentity: 'azure', workloadIdentityAzureTenantId: 'a b' }, '--workload-identity-azure-tenant-id: "a b" is not a tenant id (a GUID or a domain name)'],
    [{ workloadIdentityAwsRegion: 'us-west-2' }, '--workload-identity-aws-region and --workload-identity-azure-tenant-id need --workload-identity'],
  ])('%j: %s', (flags, message) => {
    expect(() => parseWorkloadIdentity(flags)).toThrow(message);
  });
});
