import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDate, parseDate } from '../../src/controllers/legacy-token-tracking.js';
import type { Emulator } from '../../src/emulator.js';
import type { ConfigMap, Secret } from '../../src/registry/types.js';
import { fixture } from '../helpers/emulator.js';

const NAME = 'kube-apiserver-legacy-service-account-token-tracking';
const LAST_USED = 'kubernetes.io/legacy-token-last-used';
const MINUTE = 60_000;

let emu: Emulator;
beforeEach(async () => {
  emu = await fixture();
});
afterEach(() => emu.close());

const trackingData = () => emu.get<ConfigMap>('ConfigMap', 'kube-system', NAME)?.data;
const secret = () => emu.get<Secret>('Secret', 'default', 'robot-token')!;

describe('dates as Go parses "2006-01-02"', () => {
  it.each([
    ['2026-01-01', Date.parse('2026-01-01T00:00:00Z')],
    ['2028-02-29', Date.parse('2028-02-29T00:00:00Z')],
    ['2026-02-29', undefined],
    ['2026-13-01', undefined],
    ['2026-1-01', undefined],
    ['2026-01-01T00:00:00Z', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('parseDate(%j) is %s', (s, want) => {
    expect(parseDate(s)).toBe(want);
  });

  it('formats in UTC', () => {
    expect(formatDate(Date.parse('2026-03-01T23:59:59-05:00'))).toBe('2026-03-02');
  });
});

describe('the legacy token tracking ConfigMap (§3.5)', () => {
  it('is created at start with the UTC date tracking began', () => {
    expect(trackingData()).toEqual({ since: '2026-01-01' });
  });

  it('never changes a valid date', async () => {
    await emu.clock.advance(40 * 86_400_000);
    const cm = emu.get<ConfigMap>('ConfigMap', 'kube-system', NAME)!;
    cm.data = { since: '2025-06-01' };
    await emu.apply(cm);
    await emu.clock.advance(86_400_000);
    expect(trackingData()).toEqual({ since: '2025-06-01' });
  });

  it.each([['not-a-date'], ['2026-02-30'], ['']])('overwrites a since of %j with today', async (bad) => {
    await emu.clock.advance(3 * 86_400_000);
    const cm = emu.get<ConfigMap>('ConfigMap', 'kube-system', NAME)!;
    cm.data = { since: bad, other: 'kept' };
    await emu.apply(cm);
    expect(trackingData()).toEqual({ since: '2026-01-04', other: 'kept' });
  });

  it('is recreated when deleted, at most once per 30 minutes', async () => {
    await emu.clock.advance(10 * MINUTE);
    await emu.delete('ConfigMap', 'kube-system', NAME);
    expect(trackingData()).toBeUndefined();
    await emu.clock.advance(19 * MINUTE);
    expect(trackingData()).toBeUndefined();
    await emu.clock.advance(1 * MINUTE);
    expect(trackingData()).toEqual({ since: '2026-01-01' });
    await emu.clock.advance(24 * 60 * MINUTE);
    await emu.delete('ConfigMap', 'kube-system', NAME);
    expect(trackingData()).toEqual({ since: '2026-01-02' });
  });
});

describe('the last-used label (§3.4)', () => {
  it('is set to today when a legacy token authenticates, by a label-only update', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    const before = secret();
    await emu.clock.advance(5 * 3600_000);
    expect((await emu.reviewToken(token)).authenticated).toBe(true);
    await emu.idle();
    const after = secret();
    expect(after.metadata.labels).toEqual({ [LAST_USED]: '2026-01-01' });
    expect(after.data).toEqual(before.data);
    expect(after.metadata.annotations).toEqual(before.metadata.annotations);
  });

  it('is not written again the same day, and moves on the next day', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    await emu.reviewToken(token);
    await emu.idle();
    const rv = secret().metadata.resourceVersion;
    await emu.clock.advance(3600_000);
    await emu.reviewToken(token);
    await emu.idle();
    expect(secret().metadata.resourceVersion).toBe(rv);
    await emu.clock.advance(24 * 3600_000);
    await emu.reviewToken(token);
    await emu.idle();
    expect(secret().metadata.labels?.[LAST_USED]).toBe('2026-01-02');
  });

  it("leaves tomorrow's date alone (another server's clock runs ahead)", async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    const s = secret();
    s.metadata.labels = { [LAST_USED]: '2026-01-02' };
    await emu.apply(s);
    await emu.reviewToken(token);
    await emu.idle();
    expect(secret().metadata.labels).toEqual({ [LAST_USED]: '2026-01-02' });
  });

  it('is not written for a rejected token whose Secret holds another one', async () => {
    const token = await emu.createLegacyToken('default', 'build-robot', 'robot-token');
    const s = secret();
    s.data!.token = Buffer.from('other').toString('base64');
    await emu.apply(s);
    expect((await emu.reviewToken(token)).error).toBe("[invalid bearer token, Token does not match server's copy]");
    await emu.idle();
    expect(secret().metadata.labels).toBeUndefined();
  });
});
