import type { IncomingMessage, ServerResponse } from 'node:http';
import type pino from 'pino';
import type { Clock } from '../clock/index.js';
import type { AdmissionPlugin } from '../registry/admission.js';
import { StsCredentialStore } from './aws/sts-credentials.js';
import { stsEndpoint } from './aws/sts-endpoint.js';
import { EntraTokenSigner } from './azure/entra-token-signer.js';
import { entraEndpoint, isEntraPath } from './azure/entra-endpoint.js';
import type { ExchangeObserver } from './exchange-record.js';
import { jsonFetcher } from './oidc/fetch-json.js';
import type { TrustRules } from './trust-rules.js';
import { awsPodIdentityWebhook, type AwsPodIdentityOptions } from './webhooks/aws-pod-identity.js';
import { azureWorkloadIdentityWebhook } from './webhooks/azure-workload-identity.js';
import type { ServiceAccountGetter } from './webhooks/service-accounts.js';

export const WORKLOAD_IDENTITY_CLOUDS = ['aws', 'azure'] as const;
export type WorkloadIdentityCloud = (typeof WORKLOAD_IDENTITY_CLOUDS)[number];
/** Where the STS endpoint is served: `AWS_ENDPOINT_URL_STS=<server URL>/aws/sts`. */
export const STS_PATH = '/aws/sts';
/** The tenant the Azure webhook gives service accounts that name none (its `AZURE_TENANT_ID`). */
export const DEFAULT_AZURE_TENANT_ID = '00000000-0000-0000-0000-000000000001';

/** What a caller chooses: the clouds, their webhooks' settings, and who hears of each exchange. */
export interface WorkloadIdentitySettings {
  clouds: readonly WorkloadIdentityCloud[];
  /** the EKS webhook's flags (`--aws-default-region` as `region`: default `us-east-1` here, where EKS always sets one) */
  aws?: Omit<AwsPodIdentityOptions, 'serviceAccounts'>;
  /** the Azure webhook's `AZURE_TENANT_ID` (default {@link DEFAULT_AZURE_TENANT_ID}) */
  azure?: { tenantId?: string };
  /** every token exchange, issued or refused (the request recorder hooks in here) */
  onExchange?: ExchangeObserver;
}

export interface WorkloadIdentityOptions extends WorkloadIdentitySettings {
  /** read-only service accounts, for the webhooks */
  serviceAccounts: ServiceAccountGetter;
  /** the AWSRole and AzureFederatedCredential objects in force */
  trust: TrustRules;
  clock: Clock;
  logger?: pino.Logger;
}

/** An endpoint answered without Kubernetes credentials: it claims its paths and reads its own body. */
export interface CloudEndpoint {
  owns(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void;
}

export interface WorkloadIdentity {
  /**
   * The webhooks as admission plugins.
   * IMPORTANT: they are mutating webhooks: they run after the built-in ServiceAccount plugin
   * (auth/admission/service-account.ts), which names the pod's service account first.
   */
  readonly admissionPlugins: readonly AdmissionPlugin[];
  /**
   * The cloud endpoints: STS at {@link STS_PATH}, Entra's tenant paths at the server's root
   * (`AZURE_AUTHORITY_HOST`).
   * IMPORTANT: the API server answers them before authentication and leaves their bodies unread
   * (api/server.ts `publicEndpoints`): the clouds' endpoints take no Kubernetes credentials.
   */
  readonly endpoint: CloudEndpoint;
  /**
   * Where the server listens, once it does: its URL (the Azure webhook's `AZURE_AUTHORITY_HOST`)
   * and the CAs its certificate chains to (trusted, besides Node's, when an exchange fetches an
   * issuer's discovery document from this very server).
   */
  serveAt(url: string, ca: readonly string[]): void;
}

/**
 * The value of `--workload-identity`: a comma list of `aws` and `azure`, no repeats.
 * @example
 * parseWorkloadIdentityClouds('aws,azure'); // ['aws', 'azure']
 */
export function parseWorkloadIdentityClouds(v: string): WorkloadIdentityCloud[] {
  const clouds = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (clouds.length === 0) throw new Error(`--workload-identity: name at least one cloud (${WORKLOAD_IDENTITY_CLOUDS.join(', ')})`);
  const seen = new Set<string>();
  for (const c of clouds) {
    if (!(WORKLOAD_IDENTITY_CLOUDS as readonly string[]).includes(c)) throw new Error(`--workload-identity: unknown cloud "${c}" (known: ${WORKLOAD_IDENTITY_CLOUDS.join(', ')})`);
    if (seen.has(c)) throw new Error(`--workload-identity: "${c}" is given more than once`);
    seen.add(c);
  }
  return clouds as WorkloadIdentityCloud[];
}

/**
 * Cloud workload identity for the clouds asked for: each cloud's pod-mutating webhook and its
 * token exchange, sharing one trust-rule source, one clock and one network fetcher.
 * - azure: azure-workload-identity's webhook (`AZURE_AUTHORITY_HOST` = the server's URL) and
 *   Entra's metadata and token endpoints
 * - aws: amazon-eks-pod-identity-webhook and STS (AssumeRoleWithWebIdentity, GetCallerIdentity)
 * The webhooks run in that order, as kube-apiserver orders webhook configurations by name.
 * @example
 * const wi = workloadIdentity({ clouds: ['aws', 'azure'], serviceAccounts, trust, clock });
 * admission.install([...builtIn, ...wi.admissionPlugins]);
 * buildApiServer(cp, { publicEndpoints: [wi.endpoint] });
 * wi.serveAt(url, [caPem]);
 */
export function workloadIdentity(o: WorkloadIdentityOptions): WorkloadIdentity {
  const where = { url: '', ca: [] as readonly string[] };
  const fetchJson = jsonFetcher({ ca: () => where.ca });
  const plugins: AdmissionPlugin[] = [];
  const endpoints: CloudEndpoint[] = [];
  const common = { trust: o.trust, fetchJson, clock: o.clock, ...(o.logger ? { logger: o.logger.child({ component: 'workload-identity' }) } : {}), ...(o.onExchange ? { onExchange: o.onExchange } : {}) };
  // kube-apiserver calls mutating webhooks in the order of their configurations' names:
  // azure-wi-webhook-mutating-webhook-configuration before pod-identity-webhook
  if (o.clouds.includes('azure')) {
    const tenantId = o.azure?.tenantId ?? DEFAULT_AZURE_TENANT_ID;
    plugins.push(azureWorkloadIdentityWebhook({ serviceAccounts: o.serviceAccounts, tenantId, authorityHost: () => `${where.url.replace(/\/$/, '')}/` }));
    const entra = entraEndpoint({ ...common, signer: new EntraTokenSigner(), tenants: () => [tenantId] });
    endpoints.push({ owns: isEntraPath, handle: entra });
  }
  if (o.clouds.includes('aws')) {
    plugins.push(awsPodIdentityWebhook({ region: 'us-east-1', ...o.aws, serviceAccounts: o.serviceAccounts }));
    const sts = stsEndpoint({ ...common, credentials: new StsCredentialStore() });
    endpoints.push({ owns: (path) => path === STS_PATH || path === `${STS_PATH}/`, handle: (req, res) => sts(req, res) });
  }
  return {
    admissionPlugins: plugins,
    endpoint: {
      owns: (path) => endpoints.some((e) => e.owns(path)),
      handle: (req, res, next) => {
        const path = (req.url ?? '/').split('?')[0]!;
        const e = endpoints.find((x) => x.owns(path));
        if (!e) return next();
        e.handle(req, res, next);
      },
    },
    serveAt(url, ca) {
      where.url = url;
      where.ca = [...ca];
    },
  };
}
