import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/cli/decode/render.js';
import { inspectToken } from '../../src/cli/decode/inspect.js';
import { jwksKeySource, verifyOffline } from '../../src/cli/decode/verify.js';
import type { KeySource } from '../../src/tokens/key-source.js';
import { createEmulator, type Emulator } from '../../src/index.js';

const DEFAULT = 'https://kubernetes.default.svc.cluster.local';
const OTHER_ISSUER = 'https://issuer.example';
const NOT_CHECKED_EXISTENCE = 'that the service account and the object the token is bound to still exist (verify on the server: leave out --jwks)';
let dir: string;
let emus: Emulator[];
let keysDefault: KeySource;
let keysOther: KeySource;
let fromDefault: string;
let fromOther: string;

async function issuer(iss?: string): Promise<{ emu: Emulator; keys: KeySource; token: string }> {
  const emu = await createEmulator({ clock: 'manual', ...(iss ? { issuer: iss } : {}) });
  await emu.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'build-robot', namespace: 'default' } });
  const file = join(dir, `${iss ? 'other' : 'default'}-jwks.json`);
  writeFileSync(file, JSON.stringify(emu.jwks()));
  const keys = await jwksKeySource(file, async () => '');
  const tr = await emu.requestToken('default', 'build-robot', { audiences: ['vault'], expirationSeconds: 600 });
  return { emu, keys, token: tr.status.token };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'satoken-verify-'));
  const a = await issuer();
  const b = await issuer(OTHER_ISSUER);
  emus = [a.emu, b.emu];
  [keysDefault, fromDefault, keysOther, fromOther] = [a.keys, a.token, b.keys, b.token];
});
afterAll(async () => {
  for (const e of emus) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = () => emus[0]!.clock.now();

describe('decode --verify --jwks: every check, and Kubernetes\' default issuer without --issuer', () => {
  it('accepts a token of the default issuer without --issuer, and says what a JWKS cannot tell', async () => {
    expect(await verifyOffline(fromDefault, keysDefault, [], [], now())).toEqual({ valid: true, mode: 'offline', notChecked: ['audiences (pass --audience)', NOT_CHECKED_EXISTENCE] });
    expect(await verifyOffline(fromDefault, keysDefault, [], ['vault'], now())).toEqual({ valid: true, mode: 'offline', audiences: ['vault'], notChecked: [NOT_CHECKED_EXISTENCE] });
  });

  it('reports the audience too when the issuer is not the accepted one', async () => {
    const v = await verifyOffline(fromOther, keysOther, [], ['other'], now());
    expect(v).toEqual({
      valid: false,
      mode: 'offline',
      reason: `token issuer "${OTHER_ISSUER}" is invalid (accepted: "${DEFAULT}", Kubernetes' default; pass --issuer to accept another)`,
      problems: [`token issuer "${OTHER_ISSUER}" is invalid (accepted: "${DEFAULT}", Kubernetes' default; pass --issuer to accept another)`, 'token audiences ["vault"] is invalid for the target audiences ["other"]'],
      notChecked: [NOT_CHECKED_EXISTENCE],
    });
  });

  it('names the given issuers without the hint when --issuer was passed', async () => {
    const v = await verifyOffline(fromOther, keysOther, ['https://a', 'https://b'], ['vault'], now());
    expect(v.problems).toEqual([`token issuer "${OTHER_ISSUER}" is invalid (accepted: "https://a", "https://b")`]);
  });

  it('reports a wrong audience and an expiry together', async () => {
    const later = now() + 3600_000;
    const v = await verifyOffline(fromDefault, keysDefault, [], ['other'], later);
    expect(v.problems).toEqual(['token audiences ["vault"] is invalid for the target audiences ["other"]', 'service account token has expired']);
    expect(v.reason).toBe('token audiences ["vault"] is invalid for the target audiences ["other"]');
  });

  it('stops at a bad signature: the claims after it are not to be trusted', async () => {
    const v = await verifyOffline(fromOther, keysDefault, [], ['other'], now());
    expect(v.problems).toHaveLength(2);
    expect(v.problems![0]).toMatch(/^token issuer "https:\/\/issuer.example" is invalid/);
    expect(v.problems![1]).not.toMatch(/audiences/);
  });

  it('prints every problem on its own line, and what was not checked', async () => {
    const v = await verifyOffline(fromOther, keysOther, [], ['other'], now());
    const text = renderReport(inspectToken(fromOther, now()), v);
    expect(text).toContain(`\nVerification:    rejected (offline against the JWKS), 2 problems:\n                 - token issuer "${OTHER_ISSUER}" is invalid`);
    expect(text).toContain('\n                 - token audiences ["vault"] is invalid for the target audiences ["other"]\n');
    expect(text).toMatch(/\nNot checked: +that the service account and the object the token is bound to still exist \(verify on the server: leave out --jwks\)\n$/);
  });
});
