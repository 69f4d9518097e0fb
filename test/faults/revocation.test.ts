import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { controlPlaneOf, createEmulator, type Emulator } from '../../src/emulator.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { fixture, T0 } from '../helpers/emulator.js';

/**
 * Revocation modes and clock skew. `kubernetes` reproduces kube-apiserver:
 * - pkg/registry/core/pod/strategy.go CheckGracefulDelete: a scheduled pod gets a
 *   deletionTimestamp (now + grace) and stays until deleted with grace 0 (the kubelet);
 * - pkg/serviceaccount/claims.go Validate: `invalidIfDeletedBefore := now - jwt.DefaultLeeway`
 *   (60 s), so a token bound to a pod being deleted works until 60 s past its deletionTimestamp;
 * - pkg/kubeapiserver/options/authentication.go: TokenSuccessCacheTTL 10 s, failures uncached.
 */

const INVALIDATED = '[invalid bearer token, service account token has been invalidated]';

const emus: Emulator[] = [];
afterEach(async () => {
  for (const e of emus.splice(0)) await e.close();
});
async function emulator(opts: Parameters<typeof fixture>[0] = {}): Promise<Emulator> {
  const e = await fixture(opts);
  emus.push(e);
  return e;
}
const podToken = async (emu: Emulator, audiences = ['a', 'b', 'c', 'd']) => (await emu.requestToken('default', 'build-robot', { audiences, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0' } })).status.token;

describe('revocation: immediate (the default)', () => {
  it('a pod on a node is gone when delete() resolves, and so are its tokens, cached or not', async () => {
    const emu = await emulator();
    const token = await podToken(emu);
    expect((await emu.reviewToken(token, ['a'])).authenticated).toBe(true);
    await emu.delete('Pod', 'default', 'web-0');
    expect(emu.get('Pod', 'default', 'web-0')).toBeUndefined();
    expect((await emu.reviewToken(token, ['a'])).error).toBe(INVALIDATED);
  });
});

describe('revocation: kubernetes', () => {
  it('graceful pod deletion: deletionTimestamp = now + terminationGracePeriodSeconds (30 s by default); the pod stays', async () => {
    const emu = await emulator({ revocation: 'kubernetes' });
    const deleted = await emu.delete('Pod', 'default', 'web-0');
    expect(deleted.metadata).toMatchObject({ deletionTimestamp: new Date(T0 + 30_000).toISOString().replace('.000Z', 'Z'), deletionGracePeriodSeconds: 30 });
    expect(emu.get('Pod', 'default', 'web-0')?.metadata.deletionTimestamp).toBeDefined();
    // the kubelet's confirmation: a delete with grace 0
    await emu.delete('Pod', 'default', 'web-0', { gracePeriodSeconds: 0 });
    expect(emu.get('Pod', 'default', 'web-0')).toBeUndefined();
  });

  it('the node\'s kubelet confirms the deletion once the pod\'s volumes are torn down; then its tokens fail', async () => {
    const emu = await emulator({ revocation: 'kubernetes' });
    const root = mkdtempSync(join(tmpdir(), 'satoken-graceful-'));
    try {
      const kubelet = await emu.startKubelet({ nodeName: 'node-1', rootDir: root });
      const token = await podToken(emu);
      const uid = emu.get('Pod', 'default', 'web-0')!.metadata.uid!;
      expect(existsSync(join(root, 'pods', uid))).toBe(true);
      await emu.delete('Pod', 'default', 'web-0');
      await emu.idle();
      expect(emu.get('Pod', 'default', 'web-0')).toBeUndefined();
      expect(existsSync(join(root, 'pods', uid, 'volumes'))).toBe(false);
      expect((await emu.reviewToken(token, ['a'])).error).toBe(INVALIDATED);
      await kubelet.stop();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a pod without a node goes at once, as in Kubernetes', async () => {
    const emu = await emulator({ revocation: 'kubernetes' });
    await emu.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default' }, spec: { serviceAccountName: 'build-robot', containers: [{ name: 'a', image: 'busybox' }] } });
    await emu.delete('Pod', 'default', 'pending');
    expect(emu.get('Pod', 'default', 'pending')).toBeUndefined();
  });

  it('the 60 s boundary of claims.go: valid until 60 s past the deletionTimestamp, invalid after', async () => {
    const emu = await emulator({ revocation: 'kubernetes' });
    const token = await podToken(emu);
    await emu.delete('Pod', 'default', 'web-0', { gracePeriodSeconds: 30 });
    // each review asks for another audience: a fresh key, so the 10 s cache plays no part
    expect((await emu.reviewToken(token, ['a'])).authenticated).toBe(true);
    await emu.clock.advance(90_000); // deletionTimestamp + 60 s: not before now - leeway
    expect((await emu.reviewToken(token, ['b'])).authenticated).toBe(true);
    await emu.clock.advance(1000); // deletionTimestamp + 61 s
    expect((await emu.reviewToken(token, ['c'])).error).toBe(INVALIDATED);
  });

  it('the 10 s success cache: a token works for up to 10 s after its pod is gone, then not', async () => {
    const emu = await emulator({ revocation: 'kubernetes' });
    const token = await podToken(emu);
    await emu.clock.advance(2000);
    expect((await emu.reviewToken(token, ['a'])).authenticated).toBe(true); // cached until T0 + 12 s
    await emu.delete('Pod', 'default', 'web-0', { gracePeriodSeconds: 0 });
    expect(emu.get('Pod', 'default', 'web-0')).toBeUndefined();
    expect((await emu.reviewToken(token, ['a'])).authenticated).toBe(true);
    expect((await emu.reviewToken(token, ['b'])).error).toBe(INVALIDATED); // not cached: checked
    await emu.clock.advance(9999);
    expect((await emu.reviewToken(token, ['a'])).authenticated).toBe(true);
    await emu.clock.advance(1);
    expect((await emu.reviewToken(token, ['a'])).error).toBe(INVALIDATED);
    // failures are not cached (TokenFailureCacheTTL 0): still refused, by the validator
    expect((await emu.reviewToken(token, ['a'])).error).toBe(INVALIDATED);
  });

  it('a service account deleted: same cache lag, then its tokens fail', async () => {
    const emu = await emulator({ revocation: 'kubernetes' });
    const token = (await emu.requestToken('default', 'build-robot', { audiences: ['a'] })).status.token;
    expect((await emu.reviewToken(token, ['a'])).authenticated).toBe(true);
    await emu.delete('ServiceAccount', 'default', 'build-robot');
    expect((await emu.reviewToken(token, ['a'])).authenticated).toBe(true);
    await emu.clock.advance(10_000);
    expect((await emu.reviewToken(token, ['a'])).authenticated).toBeUndefined();
  });

  it('refuses an unknown mode and a fractional grace period', async () => {
    await expect(createEmulator({ revocation: 'later' as never })).rejects.toThrow('revocation must be one of "immediate", "kubernetes", got "later"');
    const emu = await emulator({ revocation: 'kubernetes' });
    await expect(emu.delete('Pod', 'default', 'web-0', { gracePeriodSeconds: 1.5 })).rejects.toThrow('gracePeriodSeconds must be an integer, got 1.5');
  });
});

describe('clock skew per replica', () => {
  it('issuing: iat, nbf and exp move with the skew', async () => {
    const emu = await emulator({ clockSkew: '-30s' });
    expect(emu.clock.now()).toBe(T0 - 30_000);
    const token = (await emu.requestToken('default', 'build-robot', { expirationSeconds: 600 })).status.token;
    const p = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; nbf: number; exp: number };
    expect(p).toMatchObject({ iat: T0 / 1000 - 30, nbf: T0 / 1000 - 30, exp: T0 / 1000 - 30 + 600 });
  });

  it('two replicas on one store and one clock disagree when one is skewed (kubernetes#124022)', async () => {
    const clock = new ManualClock(T0);
    const store = new MemoryStore();
    const a = await emulator({ clock, store });
    const keySet = controlPlaneOf(a).keys.keySet;
    const ahead = await createEmulator({ clock, store, clockSkew: '2m', keys: { keySet }, controllers: false });
    const behind = await createEmulator({ clock, store, clockSkew: '-2m', keys: { keySet }, controllers: false });
    emus.push(ahead, behind);
    const token = (await ahead.requestToken('default', 'build-robot', { expirationSeconds: 600 })).status.token;
    // nbf = T0 + 120 s: the replica 2 minutes behind is 4 minutes early, past the 60 s leeway
    expect((await behind.reviewToken(token)).error).toBe('[invalid bearer token, service account token is not valid yet]');
    expect((await a.reviewToken(token)).error).toBe('[invalid bearer token, service account token is not valid yet]');
    expect((await ahead.reviewToken(token)).authenticated).toBe(true);
    // within the leeway, the replicas agree
    await clock.advance(60_000);
    expect((await a.reviewToken(token)).authenticated).toBe(true);
  });

  it('a skew on a real clock is refused beyond a day', async () => {
    await expect(createEmulator({ clock: 'real', clockSkew: '25h' })).rejects.toThrow('clockSkew must be within 24h0m0s either way, got 25h');
  });
});
