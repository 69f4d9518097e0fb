import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import type { Secret, ServiceAccount } from '../../src/registry/types.js';
import { fixture, headerOf, uidOf } from '../helpers/emulator.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await fixture();
});
afterEach(() => emu.close());

describe('legacy Secret-based tokens (§3)', () => {
  it('fills the Secret with token, namespace, ca.crt and the uid annotation, and signs the legacy claims', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    const s = emu.get<Secret>('Secret', 'default', 'robot-token')!;
    expect(Buffer.from(s.data!.namespace!, 'base64').toString()).toBe('default');
    expect(Buffer.from(s.data!['ca.crt']!, 'base64').toString()).toContain('BEGIN CERTIFICATE');
    expect(s.metadata.annotations!['kubernetes.io/service-account.uid']).toBe(uidOf(emu, 'ServiceAccount', 'default', 'build-robot'));
    expect(Object.keys(headerOf(token))).toEqual(['alg', 'kid']);
    const raw = Buffer.from(token.split('.')[1]!, 'base64url').toString();
    expect(raw).toBe(
      `{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"default","kubernetes.io/serviceaccount/secret.name":"robot-token","kubernetes.io/serviceaccount/service-account.name":"build-robot","kubernetes.io/serviceaccount/service-account.uid":"${uidOf(emu, 'ServiceAccount', 'default', 'build-robot')}","sub":"system:serviceaccount:default:build-robot"}`,
    );
  });

  it('authenticates without extras and never expires', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot');
    await emu.clock.advance(3 * 365 * 86400 * 1000);
    const s = await emu.reviewToken(token);
    expect(s.authenticated).toBe(true);
    expect(s.user).toEqual({ username: 'system:serviceaccount:default:build-robot', uid: uidOf(emu, 'ServiceAccount', 'default', 'build-robot'), groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'], extra: {} });
  });

  it('survives the deletion of pods (it is bound to nothing but its Secret)', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot');
    await emu.delete('Pod', 'default', 'web-0');
    expect((await emu.reviewToken(token)).authenticated).toBe(true);
  });

  it('dies with its Secret', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    await emu.delete('Secret', 'default', 'robot-token');
    expect((await emu.reviewToken(token)).error).toBe('[invalid bearer token, Token has been invalidated]');
  });

  it('is refused when the Secret holds another token', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    const s = emu.get<Secret>('Secret', 'default', 'robot-token')!;
    s.data!.token = Buffer.from('something-else').toString('base64');
    await emu.apply(s);
    expect((await emu.reviewToken(token)).error).toBe("[invalid bearer token, Token does not match server's copy]");
  });

  it('is refused when labelled invalid, with the message that says how to re-enable it', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    const s = emu.get<Secret>('Secret', 'default', 'robot-token')!;
    s.metadata.labels = { 'kubernetes.io/legacy-token-invalid-since': '2026-01-01' };
    await emu.apply(s);
    expect((await emu.reviewToken(token)).error).toBe(
      "[invalid bearer token, the token in secret default/robot-token for service account default/build-robot has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token]",
    );
  });

  it('deletes the Secret when its service account is deleted (tokens controller)', async () => {
    await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    await emu.delete('ServiceAccount', 'default', 'build-robot');
    expect(emu.get('Secret', 'default', 'robot-token')).toBeUndefined();
  });

  it('requires the service-account name annotation', async () => {
    await expect(emu.apply({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'x', namespace: 'default' } })).rejects.toThrow(
      'Secret "x" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value',
    );
  });

  it('keeps no token in the service account (no auto-generated secrets since 1.24)', () => {
    expect(emu.get<ServiceAccount>('ServiceAccount', 'default', 'build-robot')!.secrets).toBeUndefined();
  });
});
