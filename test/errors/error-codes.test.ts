import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator.js';
import { errorCodeOf, errors, SatokenError, SatokenRangeError, SatokenTypeError, statusErrorCode, StatusError, type StatusReason } from '../../src/errors/index.js';
import { WebhookAuthorizer } from '../../src/auth/authorizer/index.js';
import { KubeletError, validatePath } from '../../src/kubelet/index.js';

/** What a test asserts of a thrown error: its class, stable code, and message. */
async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

const emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

describe('StatusError: code is the HTTP status, errorCode is ERR_ and the reason', () => {
  it.each<[StatusReason, string]>([
    ['BadRequest', 'ERR_BAD_REQUEST'],
    ['Unauthorized', 'ERR_UNAUTHORIZED'],
    ['Forbidden', 'ERR_FORBIDDEN'],
    ['NotFound', 'ERR_NOT_FOUND'],
    ['AlreadyExists', 'ERR_ALREADY_EXISTS'],
    ['Conflict', 'ERR_CONFLICT'],
    ['Gone', 'ERR_GONE'],
    ['Invalid', 'ERR_INVALID'],
    ['MethodNotAllowed', 'ERR_METHOD_NOT_ALLOWED'],
    ['NotAcceptable', 'ERR_NOT_ACCEPTABLE'],
    ['UnsupportedMediaType', 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['RequestEntityTooLarge', 'ERR_REQUEST_ENTITY_TOO_LARGE'],
    ['TooManyRequests', 'ERR_TOO_MANY_REQUESTS'],
    ['InternalError', 'ERR_INTERNAL_ERROR'],
    ['ServiceUnavailable', 'ERR_SERVICE_UNAVAILABLE'],
    ['Timeout', 'ERR_TIMEOUT'],
    ['Expired', 'ERR_EXPIRED'],
  ])('%s is %s', (reason, code) => {
    expect(statusErrorCode(reason)).toBe(code);
    expect(new StatusError(500, reason, 'm').errorCode).toBe(code);
  });

  it('keeps the Status on the wire as it was: errorCode is not a member of it', () => {
    const e = errors.notFound('serviceaccounts', 'nobody');
    expect([e.code, e.reason, e.errorCode, e.message]).toEqual([404, 'NotFound', 'ERR_NOT_FOUND', 'serviceaccounts "nobody" not found']);
    expect(JSON.stringify(e.toStatus())).toBe('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts \\"nobody\\" not found","reason":"NotFound","details":{"name":"nobody","kind":"serviceaccounts"},"code":404}');
  });

  it('is what the library throws for a missing object and an invalid one', async () => {
    const emu = await createEmulator({ clock: 'manual' });
    emulators.push(emu);
    const missing = await caught(() => emu.requestToken('default', 'nobody'));
    expect(missing).toBeInstanceOf(StatusError);
    expect([errorCodeOf(missing), (missing as StatusError).code, (missing as Error).message]).toEqual(['ERR_NOT_FOUND', 404, 'serviceaccounts "nobody" not found']);
    const invalid = await caught(() => emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'Bad_Name', namespace: 'default' } }));
    expect([errorCodeOf(invalid), (invalid as StatusError).code]).toEqual(['ERR_INVALID', 422]);
    expect((invalid as Error).message).toBe(
      `ServiceAccount "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  });
});

describe('the other library errors: code and errorCode are the same ERR_ string, the built-in class is kept', () => {
  it.each<[string, () => unknown, ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor, string, string]>([
    ['createEmulator with a startTime that is no date', () => createEmulator({ startTime: 'soon' }), TypeError, 'ERR_INVALID_OPTION', 'startTime is not a valid date: soon'],
    ['createEmulator with an empty issuer', () => createEmulator({ issuer: '' }), Error, 'ERR_INVALID_OPTION', 'service-account-issuer should not be an empty string'],
    ['createEmulator with an unknown authorization mode', () => createEmulator({ authorization: { modes: ['Everything'] } }), Error, 'ERR_INVALID_OPTION', 'authorization-mode "Everything" is not a valid mode'],
    ['createEmulator with a clean-up period of 0 days', () => createEmulator({ legacyTokenCleanUpPeriodDays: 0 }), RangeError, 'ERR_INVALID_OPTION', 'legacy service account token clean-up period must be greater than 0, got 0 days'],
    ['a webhook authorizer of an unknown version', () => new WebhookAuthorizer({ server: 'http://127.0.0.1:1' }, { version: 'v2' as 'v1' }), Error, 'ERR_INVALID_OPTION', 'unsupported webhook authorizer version "v2", supported versions are "v1", "v1beta1"'],
    ['a kubelet file path that climbs out', () => validatePath('../etc/passwd'), Error, 'ERR_INVALID_PATH', "invalid path: must not contain '..': ../etc/passwd"],
  ])('%s', async (_name, fn, cls, code, message) => {
    const e = await caught(fn);
    expect(e).toBeInstanceOf(cls);
    expect(e).toMatchObject({ code, errorCode: code, message });
    expect(errorCodeOf(e)).toBe(code);
  });

  it('clock.advance on a real clock is ERR_CLOCK_NOT_MANUAL; a negative advance is ERR_INVALID_DURATION', async () => {
    const real = await createEmulator({ clock: 'real' });
    const manual = await createEmulator({ clock: 'manual' });
    emulators.push(real, manual);
    const notManual = await caught(() => real.clock.advance(1));
    expect(notManual).toBeInstanceOf(SatokenTypeError);
    expect(notManual).toMatchObject({ code: 'ERR_CLOCK_NOT_MANUAL', errorCode: 'ERR_CLOCK_NOT_MANUAL', message: 'advance() needs the manual clock: createEmulator({ clock: "manual" })' });
    const negative = await caught(() => manual.clock.advance(-1));
    expect(negative).toBeInstanceOf(SatokenRangeError);
    expect(negative).toMatchObject({ code: 'ERR_INVALID_DURATION', errorCode: 'ERR_INVALID_DURATION', message: 'advance takes a non-negative number of milliseconds, got -1' });
  });

  it('the kubelet error classes carry errorCode too', () => {
    const e = new KubeletError('ERR_TOKEN_EXPIRED', 'token k expired and refresh failed: boom');
    expect([e.code, e.errorCode, e.name]).toEqual(['ERR_TOKEN_EXPIRED', 'ERR_TOKEN_EXPIRED', 'KubeletError']);
    expect(new SatokenError('ERR_INVALID_OPTION', 'x').errorCode).toBe('ERR_INVALID_OPTION');
  });

  it('errorCodeOf is undefined for errors satoken did not make', () => {
    expect(errorCodeOf(new Error('x'))).toBeUndefined();
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(errorCodeOf('ERR_NOT_FOUND')).toBeUndefined();
    expect(errorCodeOf(null)).toBeUndefined();
  });
});
