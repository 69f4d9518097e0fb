import { type Status, StatusError } from '../../errors/index.js';

/**
 * A mutating webhook's refusal as kube-apiserver reports it (`webhookerrors.ToStatusErr`,
 * staging/src/k8s.io/apiserver/pkg/admission/plugin/webhook/errors/statuserror.go): the
 * webhook's status code (at least 400), `admission webhook "<name>" denied the request: <message>`,
 * and no reason when the webhook gave none.
 * @example
 * throw new WebhookDenied('mutation.azure-workload-identity.io', 400, 'token expiration 60 not valid. Expected value to be between 3600 and 86400');
 */
export class WebhookDenied extends StatusError {
  constructor(webhook: string, code: number, message: string) {
    super(Math.max(code, 400), 'BadRequest', `admission webhook "${webhook}" denied the request: ${message}`);
  }

  override toStatus(): Status {
    const { reason: _omitted, ...status } = super.toStatus();
    return status;
  }
}
