import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, CompactSign } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSigningKey, keyIdFromPublicKey, listKeys, loadKeyDirectory, rotateSigningKey, type GeneratedAlgorithm } from '../../src/keys/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'satoken-keydir-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (name: string): number => statSync(join(dir, name)).mode & 0o777;
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

async function signWith(keyFile: string, kid: string, alg: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode('{"sub":"x"}')).setProtectedHeader({ alg, kid }).sign(createPrivateKey(readFileSync(keyFile, 'utf8')));
}

describe('ensureSigningKey', () => {
  it.each<[GeneratedAlgorithm, string, Record<string, unknown>]>([
    ['RS256', 'rsa', { modulusLength: 2048, publicExponent: 65537n }],
    ['ES256', 'ec', { namedCurve: 'prime256v1' }],
  ])('creates an %s key as sa.key (PKCS#8, 0600) and sa.pub (SPKI, 0644)', async (algorithm, type, details) => {
    const made = await ensureSigningKey(dir, { algorithm });
    const key = createPrivateKey(read('sa.key'));
    expect([made.created, made.alg, made.signingKeyFile, made.publicKeyFile]).toEqual([true, algorithm, join(dir, 'sa.key'), join(dir, 'sa.pub')]);
    expect([key.asymmetricKeyType, key.asymmetricKeyDetails]).toEqual([type, details]);
    expect([read('sa.key').split('\n')[0], read('sa.pub').split('\n')[0]]).toEqual(['-----BEGIN PRIVATE KEY-----', '-----BEGIN PUBLIC KEY-----']);
    expect([mode('sa.key'), mode('sa.pub')]).toEqual([0o600, 0o644]);
    expect([made.kid, keyIdFromPublicKey(createPublicKey(read('sa.pub')))]).toEqual([keyIdFromPublicKey(key), made.kid]);
    expect(readdirSync(dir).sort()).toEqual(['sa.key', 'sa.pub']);
  });

  it('keeps an existing key, whatever algorithm is asked', async () => {
    const first = await ensureSigningKey(dir, { algorithm: 'ES256' });
    const before = read('sa.key');
    const again = await ensureSigningKey(dir, { algorithm: 'RS256' });
    expect([again.created, again.kid, again.alg, read('sa.key')]).toEqual([false, first.kid, 'ES256', before]);
  });

  it('restores a deleted sa.pub from sa.key', async () => {
    const first = await ensureSigningKey(dir, { algorithm: 'ES256' });
    unlinkSync(join(dir, 'sa.pub'));
    await ensureSigningKey(dir);
    expect([keyIdFromPublicKey(createPublicKey(read('sa.pub'))), mode('sa.pub')]).toEqual([first.kid, 0o644]);
  });

  it('agrees on one key when several starts race, leaving no temporary files', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureSigningKey(dir, { algorithm: 'ES256' })));
    expect(new Set(results.map((r) => r.kid)).size).toBe(1);
    expect(results.filter((r) => r.created).length).toBe(1);
    expect(keyIdFromPublicKey(createPrivateKey(read('sa.key')))).toBe(results[0]!.kid);
    expect(readdirSync(dir).sort()).toEqual(['sa.key', 'sa.pub']);
  });

  it('creates a missing directory with mode 0700', async () => {
    const nested = join(dir, 'a', 'keys');
    await ensureSigningKey(nested, { algorithm: 'ES256' });
    expect(statSync(nested).mode & 0o777).toBe(0o700);
  });
});

describe('loadKeyDirectory', () => {
  it('signs with sa.key and verifies with it', async () => {
    const made = await ensureSigningKey(dir, { algorithm: 'ES256' });
    const keys = await loadKeyDirectory(dir);
    expect([keys.signingKey?.kid, keys.verificationKeys.map((k) => k.kid), keys.algorithms()]).toEqual([made.kid, [made.kid], ['ES256']]);
  });

  it("fails as kube-apiserver does when there is no sa.key", async () => {
    await expect(loadKeyDirectory(dir)).rejects.toThrow(new Error(`failed to parse service-account-issuer-key-file: open ${join(dir, 'sa.key')}: no such file or directory`));
  });
});

describe('rotateSigningKey', () => {
  it('retires the old public key so that tokens it signed keep verifying', async () => {
    const old = await ensureSigningKey(dir, { algorithm: 'RS256' });
    const token = await signWith(join(dir, 'sa.key'), old.kid, 'RS256');
    const rotated = await rotateSigningKey(dir, { algorithm: 'ES256' });
    expect([rotated.previousKid, rotated.retired, rotated.alg, rotated.kid === old.kid]).toEqual([old.kid, join(dir, `sa-retired-${old.kid}.pub`), 'ES256', false]);
    expect([mode('sa.key'), mode('sa.pub'), mode(`sa-retired-${old.kid}.pub`)]).toEqual([0o600, 0o644, 0o644]);

    const keys = await loadKeyDirectory(dir);
    expect([keys.signingKey?.kid, keys.verificationKeys.map((k) => k.kid), keys.algorithms()]).toEqual([rotated.kid, [rotated.kid, old.kid], ['ES256', 'RS256']]);
    const [candidate] = keys.keysFor(old.kid);
    const { payload } = await compactVerify(token, candidate!.publicKey, { algorithms: [candidate!.alg] });
    expect(new TextDecoder().decode(payload)).toBe('{"sub":"x"}');
  });

  it.each<[string, GeneratedAlgorithm | undefined, GeneratedAlgorithm, GeneratedAlgorithm]>([
    ['keeps RS256 when no algorithm is asked', undefined, 'RS256', 'RS256'],
    ['keeps ES256 when no algorithm is asked', undefined, 'ES256', 'ES256'],
    ['switches to the algorithm asked', 'RS256', 'ES256', 'RS256'],
  ])('%s', async (_name, asked, before, after) => {
    await ensureSigningKey(dir, { algorithm: before });
    expect((await rotateSigningKey(dir, asked ? { algorithm: asked } : {})).alg).toBe(after);
  });

  it('creates a first key when there is none', async () => {
    const made = await rotateSigningKey(dir, { algorithm: 'ES256' });
    expect([made.previousKid, made.retired, existsSync(join(dir, 'sa.key'))]).toEqual([undefined, undefined, true]);
  });

  it('lists the signing key first, then every retired key', async () => {
    const first = await ensureSigningKey(dir, { algorithm: 'ES256' });
    const second = await rotateSigningKey(dir);
    const third = await rotateSigningKey(dir);
    const rows = await listKeys(dir);
    expect(rows[0]).toEqual({ kid: third.kid, alg: 'ES256', file: join(dir, 'sa.key'), signing: true });
    expect(rows.slice(1).map((r) => [r.kid, r.file, r.signing]).sort()).toEqual(
      [[first.kid, join(dir, `sa-retired-${first.kid}.pub`), false], [second.kid, join(dir, `sa-retired-${second.kid}.pub`), false]].sort(),
    );
  });
});

describe('listKeys', () => {
  it.each<[string, (d: string) => string]>([
    ['a missing directory', (d) => join(d, 'missing')],
    ['an empty directory', (d) => d],
  ])('lists nothing for %s', async (_name, pick) => {
    expect(await listKeys(pick(dir))).toEqual([]);
  });

  it('shows a stale sa.pub as verify-only', async () => {
    await ensureSigningKey(dir, { algorithm: 'ES256' });
    const stale = read('sa.pub');
    rmSync(join(dir, 'sa.key'));
    const fresh = await ensureSigningKey(dir, { algorithm: 'ES256' });
    writeFileSync(join(dir, 'sa.pub'), stale);
    const rows = await listKeys(dir);
    expect(rows.map((r) => [r.kid === fresh.kid, r.file, r.signing])).toEqual([[true, join(dir, 'sa.key'), true], [false, join(dir, 'sa.pub'), false]]);
  });
});
