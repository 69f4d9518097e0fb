import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlPlaneOf, type Emulator } from '../../src/emulator.js';
import type { InvalidationEvent } from '../../src/registry/binding-index.js';
import { fixture, uidOf } from '../helpers/emulator.js';

let emu: Emulator;
beforeEach(async () => {
  emu = await fixture();
});
afterEach(() => emu.close());

describe('the binding registry', () => {
  it('lists the live tokens of an object', async () => {
    const a = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const b = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    await emu.requestToken('default', 'build-robot');
    const jtis = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(emu.tokensFor('Pod', 'default', 'web-0').map((t) => t.jti).sort()).toEqual([jtis(a.status.token), jtis(b.status.token)].sort());
    expect(emu.tokensFor('ServiceAccount', 'default', 'build-robot')).toHaveLength(3);
  });

  it('tells subscribers which tokens died, before the delete returns', async () => {
    await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Pod', name: 'web-0' } });
    const podUid = uidOf(emu, 'Pod', 'default', 'web-0');
    const events: InvalidationEvent[] = [];
    emu.onInvalidated((e) => events.push(e));
    const pending = emu.delete('Pod', 'default', 'web-0');
    await pending;
    expect(events).toHaveLength(1);
    expect(events[0]!.object).toEqual({ kind: 'Pod', namespace: 'default', name: 'web-0', uid: podUid });
    expect(events[0]!.tokens).toHaveLength(1);
    expect(emu.tokensFor('ServiceAccount', 'default', 'build-robot')).toHaveLength(0);
  });

  it('kills every token of a deleted service account', async () => {
    await emu.requestToken('default', 'build-robot');
    await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Secret', name: 'creds' } });
    const events: InvalidationEvent[] = [];
    emu.onInvalidated((e) => events.push(e));
    await emu.delete('ServiceAccount', 'default', 'build-robot');
    expect(events.map((e) => [e.object.kind, e.tokens.length])).toEqual([['ServiceAccount', 2]]);
  });

  it('forgets tokens once they expire (bounded memory)', async () => {
    for (let i = 0; i < 5; i++) await emu.requestToken('default', 'build-robot', { expirationSeconds: 600 });
    expect(emu.tokensFor('ServiceAccount', 'default', 'build-robot')).toHaveLength(5);
    await emu.clock.advance(661_000);
    expect(emu.tokensFor('ServiceAccount', 'default', 'build-robot')).toHaveLength(0);
  });

  it('does not hold the review cache past a deletion, even for a token reviewed a moment before', async () => {
    const tr = await emu.requestToken('default', 'build-robot', { boundObjectRef: { kind: 'Secret', name: 'creds' } });
    for (let i = 0; i < 3; i++) expect((await emu.reviewToken(tr.status.token)).authenticated).toBe(true);
    await emu.delete('Secret', 'default', 'creds');
    expect((await emu.reviewToken(tr.status.token)).authenticated).toBeUndefined();
  });
});

describe('the binding registry under a cap (maxIndexedTokens)', () => {
  it('lists the newest tokens up to the cap, warns once, and still rejects every token when its pod goes', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg as string) });
    const capped = await fixture({ maxIndexedTokens: 3, logger });
    try {
      const pod = { boundObjectRef: { kind: 'Pod', name: 'web-0' } } as const;
      const tokens: string[] = [];
      for (let i = 0; i < 5; i++) tokens.push((await capped.requestToken('default', 'build-robot', pod)).status.token);
      const jti = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti as string;
      // equal expiry: the oldest two went first
      expect(capped.tokensFor('Pod', 'default', 'web-0').map((t) => t.jti).sort()).toEqual(tokens.slice(2).map(jti).sort());
      expect(controlPlaneOf(capped).bindings.dropped).toBe(2);
      expect(warnings.filter((w) => w.includes('binding registry'))).toEqual([expect.stringContaining('the binding registry is full')]);
      for (const t of tokens) expect((await capped.reviewToken(t)).authenticated).toBe(true); // all cached now
      const events: InvalidationEvent[] = [];
      capped.onInvalidated((e) => events.push(e));
      await capped.delete('Pod', 'default', 'web-0');
      expect(events).toHaveLength(1);
      expect(events[0]!.tokens).toHaveLength(3);
      for (const t of tokens) expect((await capped.reviewToken(t)).error).toBe('[invalid bearer token, service account token has been invalidated]');
    } finally {
      await capped.close();
    }
  });
});
