import { describe, expect, it } from 'vitest';
import { compileFault, matches } from '../../src/faults/active-faults.js';
import { faultError } from '../../src/faults/fault-actions.js';
import { parseClockSkew } from '../../src/faults/clock-skew.js';
import { podGracefulDeletion } from '../../src/faults/graceful-deletion.js';
import { parseRevocationMode } from '../../src/faults/revocation.js';
import { FAULT_STRATEGIES, validateTokenFault, validateTokenFaultStatus } from '../../src/registry/validation/token-fault.js';
import { kindInfo } from '../../src/registry/kinds.js';
import type { KubeObject } from '../../src/registry/types.js';

const fault = (spec: unknown, status?: unknown): KubeObject => ({ apiVersion: 'testing.satoken.dev/v1alpha1', kind: 'TokenFault', metadata: { name: 'f', uid: 'u1' }, spec, ...(status !== undefined ? { status } : {}) }) as KubeObject;
const errorsOf = (spec: unknown) => validateTokenFault(fault(spec)).map(String);

describe('validateTokenFault', () => {
  it.each([
    [{ target: 'review', action: 'reject' }],
    [{ target: 'review', action: 'reject', reason: 'no', times: 3, match: { namespace: 'default', serviceAccount: 'build-robot', audiences: ['vault'], credentialId: 'JTI=abc-1' } }],
    [{ target: 'review', action: 'expire' }],
    [{ target: 'review', action: 'error', code: 503 }],
    [{ target: 'issue', action: 'delay', delay: '1h0m0s' }],
    [{ target: 'jwks', action: 'error', code: 500, reason: 'down' }],
    [{ target: 'jwks', action: 'reject', match: {} }],
  ])('accepts %j', (spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });

  it.each([
    [undefined, ['spec: Required value']],
    [{}, ['spec.target: Required value', 'spec.action: Required value']],
    [{ target: 'cache', action: 'reject' }, ['spec.target: Unsupported value: "cache": supported values: "review", "issue", "jwks"']],
    [{ target: 'review', action: 'explode' }, ['spec.action: Unsupported value: "explode": supported values: "reject", "error", "delay", "expire"']],
    [{ target: 'issue', action: 'expire' }, ['spec.action: Unsupported value: "expire": supported values: "reject", "error", "delay"']],
    [{ target: 'jwks', action: 'reject', match: { namespace: 'default' } }, ['spec.match: Forbidden: may not be set when target is jwks: its requests carry no token']],
    [{ target: 'issue', action: 'reject', match: { credentialId: 'JTI=x' } }, ['spec.match.credentialId: Forbidden: may not be set when target is issue: a TokenRequest has no credential yet']],
    [{ target: 'review', action: 'reject', match: { credentialId: 'abc' } }, ['spec.match.credentialId: Invalid value: "abc": must be a token\'s credential id, JTI=<jti> (as authentication.kubernetes.io/credential-id holds it)']],
    [{ target: 'review', action: 'reject', match: { namespace: 'Default' } }, ['spec.match.namespace: Invalid value: "Default": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')']],
    [{ target: 'review', action: 'reject', match: { audiences: [] } }, ['spec.match.audiences: Required value: at least one audience, or omit the field to match any']],
    [{ target: 'review', action: 'reject', match: { audiences: ['a', ''] } }, ['spec.match.audiences[1]: Required value']],
    [{ target: 'review', action: 'expire', reason: 'x' }, ['spec.reason: Forbidden: may only be set when action is reject or error']],
    [{ target: 'review', action: 'reject', reason: 'x'.repeat(1025) }, ['spec.reason: Too long: may not be more than 1024 bytes']],
    [{ target: 'review', action: 'reject', code: 503 }, ['spec.code: Forbidden: may only be set when action is error']],
    [{ target: 'review', action: 'error', code: 418 }, ['spec.code: Unsupported value: 418: supported values: "400", "401", "403", "404", "409", "429", "500", "503", "504"']],
    [{ target: 'review', action: 'delay' }, ['spec.delay: Required value: a Go duration such as 2s or 1m30s']],
    [{ target: 'review', action: 'delay', delay: '2 seconds' }, ['spec.delay: Invalid value: "2 seconds": time: unknown unit " seconds" in duration "2 seconds"']],
    [{ target: 'review', action: 'delay', delay: '-1s' }, ['spec.delay: Invalid value: "-1s": must be greater than 0s']],
    [{ target: 'review', action: 'delay', delay: '61m' }, ['spec.delay: Invalid value: "61m": must be no more than 1h0m0s']],
    [{ target: 'review', action: 'reject', delay: '1s' }, ['spec.delay: Forbidden: may only be set when action is delay']],
    [{ target: 'review', action: 'reject', times: 0 }, ['spec.times: Invalid value: 0: must be greater than or equal to 1']],
  ])('refuses %j', (spec, expected) => {
    expect(errorsOf(spec)).toEqual(expected);
  });

  it('type-checks what the library hands it (no decoder in front)', () => {
    expect(errorsOf({ target: 7, action: 'reject' }).length).toBeGreaterThan(0);
    expect(errorsOf({ target: 'review', action: 'reject', match: 'all' }).length).toBeGreaterThan(0);
    expect(errorsOf({ target: 'review', action: 'reject', times: 1.5 }).length).toBeGreaterThan(0);
  });

  it('status.matched: a non-negative integer', () => {
    expect(validateTokenFaultStatus(fault({}, { matched: 3 }))).toEqual([]);
    expect(validateTokenFaultStatus(fault({}, { matched: -1 })).map(String)).toEqual(['status.matched: Invalid value: -1: must be greater than or equal to 0']);
  });

  it('defaults code to 500 for error, and only there', () => {
    const o = fault({ target: 'review', action: 'error' });
    FAULT_STRATEGIES.TokenFault!.defaults!(o);
    expect((o.spec as { code?: number }).code).toBe(500);
    const r = fault({ target: 'review', action: 'reject' });
    FAULT_STRATEGIES.TokenFault!.defaults!(r);
    expect((r.spec as { code?: number }).code).toBeUndefined();
  });
});

describe('compileFault and matches', () => {
  it('reads a stored fault once: delay in ms, code, times, matched', () => {
    expect(compileFault(fault({ target: 'issue', action: 'delay', delay: '1m30s', times: 4 }, { matched: 2 }))).toMatchObject({ name: 'f', uid: 'u1', target: 'issue', action: 'delay', delayMs: 90_000, code: 500, times: 4, stored: 2 });
  });

  it('passes over what cannot act (another replica\'s store may hold anything)', () => {
    expect(compileFault(fault({ target: 'jwks', action: 'expire' }))).toBeUndefined();
    expect(compileFault(fault(undefined))).toBeUndefined();
  });

  it.each([
    [{}, { audiences: [] }, true],
    [{ namespace: 'a' }, { namespace: 'a', audiences: [] }, true],
    [{ namespace: 'a' }, { namespace: 'b', audiences: [] }, false],
    [{ namespace: 'a' }, { audiences: [] }, false],
    [{ serviceAccount: 's', audiences: ['x', 'y'] }, { serviceAccount: 's', audiences: ['y'] }, true],
    [{ serviceAccount: 's', audiences: ['x', 'y'] }, { serviceAccount: 's', audiences: ['z'] }, false],
    [{ credentialId: 'JTI=1' }, { credentialId: 'JTI=1', audiences: [] }, true],
    [{ credentialId: 'JTI=1' }, { credentialId: 'JTI=2', audiences: [] }, false],
  ])('match %j against %j: %s', (match, request, expected) => {
    expect(matches(compileFault(fault({ target: 'review', action: 'reject', match }))!, request)).toBe(expected);
  });
});

describe('faultError', () => {
  it.each([
    [503, undefined, 'ServiceUnavailable', 'the server is currently unable to handle the request', 1],
    [429, 'busy', 'TooManyRequests', 'busy', 1],
    [403, undefined, 'Forbidden', 'the server does not allow access to the requested resource', undefined],
    [500, 'etcd down', 'InternalError', 'Internal error occurred: etcd down', undefined],
  ] as const)('%i (%s)', (code, reason, expectedReason, message, retryAfter) => {
    const s = faultError(code, reason).toStatus();
    expect(s).toMatchObject({ kind: 'Status', status: 'Failure', code, reason: expectedReason, message });
    expect(s.details?.retryAfterSeconds).toBe(retryAfter);
  });
});

describe('options', () => {
  it.each([
    ['-30s', -30_000],
    ['1m30s', 90_000],
    [0, 0],
    [-1500, -1500],
    ['24h', 86_400_000],
  ] as const)('clock skew %j is %i ms', (v, ms) => {
    expect(parseClockSkew(v)).toBe(ms);
  });

  it.each([['25h'], ['soon'], [Number.NaN], [true]])('clock skew %j is refused', (v) => {
    expect(() => parseClockSkew(v as never)).toThrow(/clockSkew/);
  });

  it('revocation modes', () => {
    expect(parseRevocationMode(undefined)).toBe('immediate');
    expect(parseRevocationMode('kubernetes')).toBe('kubernetes');
    expect(() => parseRevocationMode('eventually')).toThrow('revocation must be one of "immediate", "kubernetes", got "eventually"');
  });
});

describe('podGracefulDeletion (CheckGracefulDelete of pkg/registry/core/pod/strategy.go)', () => {
  const PODS = kindInfo('Pod', '')!;
  const pod = (spec: object, phase?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], ...spec }, ...(phase ? { status: { phase } } : {}) }) as KubeObject;
  it.each([
    ['a scheduled pod: its terminationGracePeriodSeconds', pod({ nodeName: 'n', terminationGracePeriodSeconds: 5 }), undefined, 5],
    ['a scheduled pod without one: 30 s', pod({ nodeName: 'n' }), undefined, 30],
    ['the delete\'s gracePeriodSeconds wins', pod({ nodeName: 'n', terminationGracePeriodSeconds: 5 }), 2, 2],
    ['an unscheduled pod goes at once', pod({ terminationGracePeriodSeconds: 5 }), 10, 0],
    ['a finished pod goes at once', pod({ nodeName: 'n' }, 'Succeeded'), undefined, 0],
    ['a failed pod goes at once', pod({ nodeName: 'n' }, 'Failed'), 10, 0],
  ])('%s', (_n, obj, requested, grace) => {
    expect(podGracefulDeletion(PODS, obj, requested)).toBe(grace);
  });

  it('other kinds are not deleted gracefully', () => {
    expect(podGracefulDeletion(kindInfo('Secret', '')!, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, 30)).toBeUndefined();
  });
});
