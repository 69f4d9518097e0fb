import { type FieldError, invalid, notSupported, required } from '../../errors/index.js';
import { kind, type ResourceInfo } from './resource-info.js';
import type { KubeObject } from '../types.js';
import { dns1123Subdomain } from '../../util/name-validation.js';
import type { Strategy } from '../validation/strategy.js';

/**
 * The cloud side of workload identity, declared in the cluster: what an IAM role trusts and what
 * an Entra application's federated identity credentials accept. Group `testing.satoken.dev`,
 * version `v1alpha1`, cluster-scoped (they stand for cloud objects, not for anything in a
 * namespace).
 * IMPORTANT: registry/kinds.ts serves {@link TRUST_RESOURCES} and registry/validation/strategies.ts
 * maps their kinds to {@link TRUST_STRATEGIES}; the STS and Entra endpoints (identity/) read them
 * through identity/trust-rules.ts. The kinds live in registry/ like every other served kind, so
 * that registry/ never imports identity/ (src/ARCHITECTURE.md); this file imports nothing of
 * registry/kinds.ts or strategies.ts, so that serving them makes no import cycle.
 */
export const TRUST_GROUP = 'testing.satoken.dev';
export const TRUST_VERSION = 'v1alpha1';

/**
 * The two kinds' rows for registry/kinds.ts: cluster-scoped, every CRUD verb, a generation that
 * follows `spec` (as every custom resource's does), no status.
 */
export const TRUST_RESOURCES: readonly ResourceInfo[] = [
  kind(TRUST_GROUP, TRUST_VERSION, 'awsroles', 'AWSRole', false, { generation: 'spec' }),
  kind(TRUST_GROUP, TRUST_VERSION, 'azurefederatedcredentials', 'AzureFederatedCredential', false, { generation: 'spec' }),
];

/** The condition operators of an IAM trust policy that satoken evaluates. */
export const CONDITION_OPERATORS = ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/**
 * An IAM role that trusts an OIDC provider for `sts:AssumeRoleWithWebIdentity`.
 * @example
 * { apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AWSRole', metadata: { name: 's3-reader' },
 *   spec: { arn: 'arn:aws:iam::111122223333:role/s3-reader',
 *           oidcProvider: { url: 'https://127.0.0.1:6443', clientIDs: ['sts.amazonaws.com'] },
 *           conditions: { StringEquals: { sub: 'system:serviceaccount:default:app' } } } }
 */
export interface AWSRole extends KubeObject {
  spec: {
    /** `arn:aws:iam::<12-digit account>:role/<path/name>` */
    arn: string;
    /** the IAM OIDC identity provider the trust policy's `Principal.Federated` names */
    oidcProvider: {
      /** the provider URL, which must equal the token's `iss` (default scheme https) */
      url: string;
      /** the provider's client ID list: the audiences it accepts (default `[sts.amazonaws.com]`) */
      clientIDs?: string[];
    };
    /**
     * The trust policy's `Condition` block: operator → key → value or values. Keys are `sub` and
     * `aud`, or AWS's own form `<provider host and path>:sub` (`127.0.0.1:6443:sub`).
     */
    conditions?: Partial<Record<ConditionOperator, Record<string, string | string[]>>>;
    /** the role's maximum session duration in seconds, 3600 to 43200 (default 3600) */
    maxSessionDuration?: number;
  };
}

/**
 * A federated identity credential of an Entra application (or user-assigned managed identity).
 * @example
 * { apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'AzureFederatedCredential', metadata: { name: 'app' },
 *   spec: { tenantID: '…', clientID: '…', issuer: 'https://127.0.0.1:6443', subject: 'system:serviceaccount:default:app' } }
 */
export interface AzureFederatedCredential extends KubeObject {
  spec: {
    /** the directory (tenant) of the application */
    tenantID: string;
    /** the application's client ID */
    clientID: string;
    /** must equal the token's `iss`, compared case-sensitively */
    issuer: string;
    /** must equal the token's `sub`, compared case-sensitively */
    subject: string;
    /** exactly one value (default `[api://AzureADTokenExchange]`) */
    audiences?: string[];
  };
}

export const AWS_ROLE_ARN = /^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const TENANT = /^[A-Za-z0-9.-]+$/;
const DEFAULT_CLIENT_IDS = ['sts.amazonaws.com'];
const DEFAULT_AZURE_AUDIENCES = ['api://AzureADTokenExchange'];

/** `host[:port]/path` of a provider URL: the prefix of AWS's condition keys and provider ARN. */
export function providerKey(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function checkUrl(path: string, v: unknown, errs: FieldError[]): void {
  if (typeof v !== 'string' || v === '') return void errs.push(required(path));
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return void errs.push(invalid(path, v, 'must be an absolute URL'));
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') errs.push(invalid(path, v, 'must be an https (or, locally, http) URL'));
  if (u.search !== '' || u.hash !== '' || v.includes('?') || v.includes('#')) errs.push(invalid(path, v, 'must not have a query or a fragment'));
  if (u.username || u.password) errs.push(invalid(path, v, 'must not carry credentials'));
}

function checkStrings(path: string, v: unknown, max: number, errs: FieldError[]): void {
  if (!Array.isArray(v)) return void errs.push(invalid(path, v, 'must be a list of strings'));
  v.forEach((s, i) => {
    if (typeof s !== 'string' || s === '') errs.push(required(`${path}[${i}]`));
    else if (s.length > max) errs.push(invalid(`${path}[${i}]`, s, `must be no more than ${max} characters`));
  });
}

/**
 * AWSRole: the ARN as IAM writes it (the pattern the EKS webhook warns about), an http(s)
 * provider URL, 1 to 100 client IDs of at most 255 characters (IAM's limits), the four string
 * operators on `sub`/`aud` keys with string values, and a session bound of 3600 to 43200 s.
 */
function validateAwsRole(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (obj as AWSRole).spec as unknown;
  if (!isRecord(spec)) return [required('spec')];
  if (typeof spec.arn !== 'string' || spec.arn === '') errs.push(required('spec.arn'));
  else if (!AWS_ROLE_ARN.test(spec.arn) || spec.arn.length > 2048) errs.push(invalid('spec.arn', spec.arn, 'must be an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>'));
  const provider = spec.oidcProvider;
  if (!isRecord(provider)) errs.push(required('spec.oidcProvider'));
  else {
    checkUrl('spec.oidcProvider.url', provider.url, errs);
    if (provider.clientIDs !== undefined) {
      checkStrings('spec.oidcProvider.clientIDs', provider.clientIDs, 255, errs);
      if (Array.isArray(provider.clientIDs) && (provider.clientIDs.length === 0 || provider.clientIDs.length > 100)) {
        errs.push(invalid('spec.oidcProvider.clientIDs', provider.clientIDs, 'must have between 1 and 100 client IDs'));
      }
    }
  }
  if (spec.conditions !== undefined) {
    if (!isRecord(spec.conditions)) errs.push(invalid('spec.conditions', spec.conditions, 'must map condition operators to keys and values'));
    else {
      const key = isRecord(provider) && typeof provider.url === 'string' ? providerKey(provider.url) : undefined;
      for (const [op, block] of Object.entries(spec.conditions)) {
        const path = `spec.conditions.${op}`;
        if (!(CONDITION_OPERATORS as readonly string[]).includes(op)) {
          errs.push(notSupported('spec.conditions', op, [...CONDITION_OPERATORS]));
          continue;
        }
        if (!isRecord(block)) {
          errs.push(invalid(path, block, 'must map condition keys to a value or a list of values'));
          continue;
        }
        for (const [k, v] of Object.entries(block)) {
          if (conditionClaim(k, key) === undefined) errs.push(notSupported(path, k, ['sub', 'aud', ...(key ? [`${key}:sub`, `${key}:aud`] : [])]));
          if (typeof v === 'string') continue;
          if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string')) errs.push(invalid(`${path}[${k}]`, v, 'must be a string or a non-empty list of strings'));
        }
      }
    }
  }
  const max = spec.maxSessionDuration;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 3600 || max > 43200)) {
    errs.push(invalid('spec.maxSessionDuration', max, 'must be between 3600 and 43200 seconds'));
  }
  return errs;
}

/** The claim a condition key tests (`sub` or `aud`), or undefined for a key satoken does not know. */
export function conditionClaim(key: string, provider: string | undefined): 'sub' | 'aud' | undefined {
  if (key === 'sub' || key === 'aud') return key;
  if (provider !== undefined && (key === `${provider}:sub` || key === `${provider}:aud`)) return key.endsWith(':sub') ? 'sub' : 'aud';
  return undefined;
}

/**
 * AzureFederatedCredential: a tenant ID of letters, digits, `.` and `-`, a client ID, an
 * http(s) issuer and a subject of at most 600 characters, and exactly one audience of at most
 * 600 (Entra's limits for federated identity credentials).
 */
function validateAzureCredential(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (obj as AzureFederatedCredential).spec as unknown;
  if (!isRecord(spec)) return [required('spec')];
  if (typeof spec.tenantID !== 'string' || spec.tenantID === '') errs.push(required('spec.tenantID'));
  else if (!TENANT.test(spec.tenantID)) errs.push(invalid('spec.tenantID', spec.tenantID, "must consist of letters, digits, '.' and '-'"));
  if (typeof spec.clientID !== 'string' || spec.clientID === '') errs.push(required('spec.clientID'));
  checkUrl('spec.issuer', spec.issuer, errs);
  if (typeof spec.issuer === 'string' && spec.issuer.length > 600) errs.push(invalid('spec.issuer', spec.issuer, 'must be no more than 600 characters'));
  if (typeof spec.subject !== 'string' || spec.subject === '') errs.push(required('spec.subject'));
  else if (spec.subject.length > 600) errs.push(invalid('spec.subject', spec.subject, 'must be no more than 600 characters'));
  if (spec.audiences !== undefined) {
    checkStrings('spec.audiences', spec.audiences, 600, errs);
    if (Array.isArray(spec.audiences) && spec.audiences.length !== 1) errs.push(invalid('spec.audiences', spec.audiences, 'must have exactly one audience'));
  }
  return errs;
}

/** The registry strategies of the two kinds: names, defaults, validation. */
export const TRUST_STRATEGIES: Record<string, Strategy> = {
  AWSRole: {
    nameValidator: dns1123Subdomain,
    defaults(obj) {
      const spec = (obj as AWSRole).spec as unknown;
      if (!isRecord(spec)) return;
      if (isRecord(spec.oidcProvider) && spec.oidcProvider.clientIDs === undefined) spec.oidcProvider.clientIDs = [...DEFAULT_CLIENT_IDS];
      spec.maxSessionDuration ??= 3600;
    },
    validate: validateAwsRole,
  },
  AzureFederatedCredential: {
    nameValidator: dns1123Subdomain,
    defaults(obj) {
      const spec = (obj as AzureFederatedCredential).spec as unknown;
      if (isRecord(spec)) spec.audiences ??= [...DEFAULT_AZURE_AUDIENCES];
    },
    validate: validateAzureCredential,
  },
};
