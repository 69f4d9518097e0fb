/** The XML namespace of STS answers (API version 2011-06-15). */
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const STS_VERSION = '2011-06-15';

/**
 * An STS error as the query protocol returns it: an `<ErrorResponse>` with `Type` (`Sender` for
 * the caller's faults), `Code` and `Message`, and an HTTP status. Codes and statuses are the
 * service model's (@aws-sdk/client-sts); messages are AWS's where they are known.
 */
export class StsError extends Error {
  override readonly name = 'StsError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

/** AWS's message when the issuer's keys cannot be had (two spaces after the comma, as AWS writes it). */
export const VERIFICATION_KEY_MESSAGE = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

/** The STS errors satoken answers with, one constructor per case. */
export const stsErrors = {
  notAJwt: () => new StsError('InvalidIdentityToken', 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)', 400),
  missingClaim: (claim: string) => new StsError('InvalidIdentityToken', `Missing a required claim: ${claim}`, 400),
  noProvider: (issuer: string) => new StsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${issuer}`, 400),
  incorrectAudience: () => new StsError('InvalidIdentityToken', 'Incorrect token audience', 400),
  verificationKey: () => new StsError('InvalidIdentityToken', VERIFICATION_KEY_MESSAGE, 400),
  badSignature: () => new StsError('InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.', 400),
  idpUnreachable: () =>
    new StsError('IDPCommunicationError', 'The request could not be fulfilled because the identity provider (IDP) that was asked to verify the incoming identity token could not be reached. This is often a transient error caused by network conditions. Retry the request a limited number of times and wait between retries to avoid network conflicts. If the error persists, the identity provider might be down or not responding.', 400),
  expiredToken: (nowSeconds: number, expSeconds: number) => new StsError('ExpiredTokenException', `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${expSeconds}`, 400),
  notAuthorized: () => new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403),
  durationExceedsRole: () => new StsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400),
  validation: (messages: readonly string[]) => new StsError('ValidationError', `${messages.length} validation error${messages.length === 1 ? '' : 's'} detected: ${messages.join('; ')}`, 400),
  invalidAction: (action: string, version: string) => new StsError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400),
  missingAction: () => new StsError('MissingAction', 'Missing Action', 400),
  tooLarge: (limit: number) => new StsError('RequestEntityTooLarge', `Request body is larger than ${limit} bytes`, 413),
  missingAuthentication: () => new StsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  incompleteSignature: (why: string) => new StsError('IncompleteSignature', why, 403),
  invalidClientTokenId: () => new StsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
  expiredCredentials: () => new StsError('ExpiredToken', 'The security token included in the request is expired', 403),
  signatureMismatch: () =>
    new StsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', 403),
  signatureExpired: (message: string) => new StsError('SignatureDoesNotMatch', message, 403),
};
