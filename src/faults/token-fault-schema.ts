import { TESTING_GROUP, TESTING_VERSION } from '../registry/kinds/testing.js';
import type { KindSchemas } from '../registry/schema/kind-schemas.js';

const openapi = (name: string) => `dev.satoken.testing.${TESTING_VERSION}.${name}`;
const go = (name: string) => `${TESTING_VERSION}.${name}`;

/**
 * The structural schema of TokenFault, registered on a control plane so that its bodies decode
 * as a built-in kind's do: unknown and duplicate fields reported (warnings, or a 400 with
 * `fieldValidation=Strict`), wrong types refused with Go's `json: cannot unmarshal` message
 * (`times` and `code` are int32, so a huge `times` is refused there), and so that it appears
 * in `/openapi/v3` for `kubectl apply` and `kubectl explain`.
 * @example
 * registerTokenFaultSchema(controlPlane.schemas);
 */
export function registerTokenFaultSchema(schemas: KindSchemas): void {
  schemas.register({
    group: TESTING_GROUP,
    version: TESTING_VERSION,
    kind: 'TokenFault',
    root: 'TokenFault',
    types: {
      TokenFault: { go: go('TokenFault'), openapi: openapi('TokenFault'), fields: { apiVersion: 's', kind: 's', metadata: '@V1ObjectMeta', spec: '@TokenFaultSpec', status: '@TokenFaultStatus' } },
      TokenFaultSpec: {
        go: go('TokenFaultSpec'),
        openapi: openapi('TokenFaultSpec'),
        fields: { match: '@TokenFaultMatch', target: 's', action: 's', reason: 's', code: 'i32', delay: 's', times: 'i32' },
      },
      TokenFaultMatch: { go: go('TokenFaultMatch'), openapi: openapi('TokenFaultMatch'), fields: { namespace: 's', serviceAccount: 's', audiences: '[]s', credentialId: 's' } },
      TokenFaultStatus: { go: go('TokenFaultStatus'), openapi: openapi('TokenFaultStatus'), fields: { matched: 'i64' } },
    },
  });
}
