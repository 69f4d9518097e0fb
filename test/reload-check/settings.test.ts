import { describe, expect, it } from 'vitest';
import { checkPod, projectionVolumes, SCHEDULING_GATE } from '../../src/reload-check/check-pod.js';
import { ReloadCheckError } from '../../src/reload-check/errors.js';
import { checkSettings, type ReloadCheckOptions } from '../../src/reload-check/options.js';

const usage = (o: unknown): string => {
  try {
    checkSettings(o as ReloadCheckOptions);
  } catch (e) {
    expect(e).toBeInstanceOf(ReloadCheckError);
    expect((e as ReloadCheckError).code).toBe('ERR_RELOAD_CHECK_USAGE');
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('checkSettings: the options of a check, with the guideline\'s defaults', () => {
  it('defaults: namespace default, service account reload-check, warmup 10 s, window 90 s, 2 rotations', () => {
    expect(checkSettings({ command: 'python3' })).toEqual({ command: 'python3', args: [], namespace: 'default', serviceAccount: 'reload-check', warmupMs: 10_000, windowMs: 90_000, rotations: 2, projections: [], tokenDir: undefined, env: {} });
  });

  it.each([
    [{}, 'a command to run is required'],
    [{ command: 'x', args: ['a', 1] }, 'args must be an array of strings'],
    [{ command: 'x', namespace: 'Default' }, 'namespace "Default" is not a valid namespace name (a DNS-1123 label)'],
    [{ command: 'x', serviceAccount: 'a_b' }, 'service account "a_b" is not a valid name (a DNS-1123 subdomain)'],
    [{ command: 'x', warmupMs: 0 }, 'warmup must be a positive duration, got 0'],
    [{ command: 'x', windowMs: Number.NaN }, 'window must be a positive duration, got NaN'],
    [{ command: 'x', windowMs: 25 * 3600_000 }, 'window must be at most 24h, got 90000000 ms'],
    [{ command: 'x', rotations: 1.5 }, 'rotations must be an integer from 1 to 100, got 1.5'],
    [{ command: 'x', rotations: 101 }, 'rotations must be an integer from 1 to 100, got 101'],
    [{ command: 'x', projections: [{ audience: '', path: '/a/token' }] }, 'projection 1: the audience must not be empty'],
    [{ command: 'x', projections: [{ audience: 'a', path: 'token' }] }, 'projection 1: the path must be absolute (where the program reads the token), got "token"'],
    [{ command: 'x', projections: [{ audience: 'a', path: '/' }] }, 'projection 1: the path must name a file, got "/"'],
    [{ command: 'x', projections: [{ audience: 'a', path: '/var/run/secrets/kubernetes.io/serviceaccount/aws' }] }, 'projection 1: /var/run/secrets/kubernetes.io/serviceaccount/aws would overlap the service-account volume at /var/run/secrets/kubernetes.io/serviceaccount'],
    [{ command: 'x', projections: [{ audience: 'a', path: '/var/run/secrets/token' }] }, 'projection 1: /var/run/secrets/token would overlap the service-account volume at /var/run/secrets/kubernetes.io/serviceaccount'],
    [{ command: 'x', projections: [{ audience: 'a', path: '/t/x' }, { audience: 'b', path: '/t/./x' }] }, 'two projections write /t/x'],
    [{ command: 'x', projections: [{ audience: 'a', path: '/t/x', expirationSeconds: 60 }] }, 'projection 1: expirationSeconds must be an integer from 600 to 4294967296, got 60'],
    [{ command: 'x', env: { 'A=B': 'c' } }, 'env "A=B": a name without "=" and a string value are needed'],
  ])('refuses %j: %s', (o, message) => {
    expect(usage(o)).toBe(message);
  });
});

describe('the pods of a check', () => {
  it('groups projections by directory, one volume each, and refuses nested directories', () => {
    expect(projectionVolumes([
      { audience: 'sts.amazonaws.com', path: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' },
      { audience: 'vault', path: '/var/run/secrets/tokens/vault' },
      { audience: 'api://AzureADTokenExchange', path: '/var/run/secrets/tokens/azure' },
    ])).toEqual([
      { name: 'token-projection-1', dir: '/var/run/secrets/eks.amazonaws.com/serviceaccount', projections: [{ audience: 'sts.amazonaws.com', path: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' }] },
      { name: 'token-projection-2', dir: '/var/run/secrets/tokens', projections: [{ audience: 'vault', path: '/var/run/secrets/tokens/vault' }, { audience: 'api://AzureADTokenExchange', path: '/var/run/secrets/tokens/azure' }] },
    ]);
    expect(() => projectionVolumes([{ audience: 'a', path: '/x/token' }, { audience: 'b', path: '/x/y/token' }])).toThrow('the projection directories /x and /x/y nest: one mount would hide the other');
  });

  it('a pod per generation: gated from schedulers, no node, labelled with run and generation, the projections mounted read-only', () => {
    const pod = checkPod({ runId: 'reload-check-abcde', generation: 2, namespace: 'apps', serviceAccount: 'web', command: '/usr/bin/python3', volumes: projectionVolumes([{ audience: 'sts.amazonaws.com', path: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token', expirationSeconds: 86400 }]) });
    expect(pod.metadata).toEqual({ name: 'reload-check-abcde-2', namespace: 'apps', labels: { 'app.kubernetes.io/managed-by': 'satoken-reload-check', 'satoken.dev/reload-check-run': 'reload-check-abcde', 'satoken.dev/reload-check-generation': '2' } });
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.spec.schedulingGates).toEqual([{ name: SCHEDULING_GATE }]);
    expect(pod.spec.serviceAccountName).toBe('web');
    expect(pod.spec.containers).toEqual([{ name: 'program', image: 'satoken.dev/reload-check', command: ['python3'], volumeMounts: [{ name: 'token-projection-1', mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount', readOnly: true }] }]);
    expect(pod.spec.volumes).toEqual([{ name: 'token-projection-1', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' } }] } }]);
  });
});
