import type { KindSchemas } from '../registry/schema/kind-schemas.js';
import { TRUST_GROUP, TRUST_VERSION } from '../registry/kinds/trust.js';

const openapi = (name: string) => `dev.satoken.testing.${TRUST_VERSION}.${name}`;
const go = (name: string) => `${TRUST_VERSION}.${name}`;

/**
 * The structural schemas of AWSRole and AzureFederatedCredential, registered on a control plane
 * so that their bodies decode (and kubectl validates them) as custom resources with schemas do:
 * unknown fields reported, wrong types refused. Trust-policy conditions map operators to keys to
 * a value or a list, so their values are free JSON (checked by the kinds' validation).
 * @example
 * registerTrustSchemas(controlPlane.schemas);
 */
export function registerTrustSchemas(schemas: KindSchemas): void {
  schemas.register({
    group: TRUST_GROUP,
    version: TRUST_VERSION,
    kind: 'AWSRole',
    root: 'AWSRole',
    types: {
      AWSRole: { go: go('AWSRole'), openapi: openapi('AWSRole'), fields: { apiVersion: 's', kind: 's', metadata: '@V1ObjectMeta', spec: '@AWSRoleSpec' } },
      AWSRoleSpec: { go: go('AWSRoleSpec'), openapi: openapi('AWSRoleSpec'), fields: { arn: 's', oidcProvider: '@OIDCProvider', conditions: '{}{}raw', maxSessionDuration: 'i32' } },
      OIDCProvider: { go: go('OIDCProvider'), openapi: openapi('OIDCProvider'), fields: { url: 's', clientIDs: '[]s' } },
    },
  });
  schemas.register({
    group: TRUST_GROUP,
    version: TRUST_VERSION,
    kind: 'AzureFederatedCredential',
    root: 'AzureFederatedCredential',
    types: {
      AzureFederatedCredential: { go: go('AzureFederatedCredential'), openapi: openapi('AzureFederatedCredential'), fields: { apiVersion: 's', kind: 's', metadata: '@V1ObjectMeta', spec: '@AzureFederatedCredentialSpec' } },
      AzureFederatedCredentialSpec: { go: go('AzureFederatedCredentialSpec'), openapi: openapi('AzureFederatedCredentialSpec'), fields: { tenantID: 's', clientID: 's', issuer: 's', subject: 's', audiences: '[]s' } },
    },
  });
}
