import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientCaFileError, loadClientCaFile } from '../../src/auth/authenticators/client-ca-file.js';
import { RealClock } from '../../src/clock/index.js';
import { createCertificateAuthority, type CertificateAndKey } from '../../src/keys/index.js';

let dir: string;
let a: CertificateAndKey;
let b: CertificateAndKey;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'satoken-client-ca-'));
  a = await createCertificateAuthority({ clock: new RealClock(), commonName: 'a' });
  b = await createCertificateAuthority({ clock: new RealClock(), commonName: 'b' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('loadClientCaFile (--client-ca-file)', () => {
  it('returns every certificate of the bundle, skipping other blocks', () => {
    const certs = loadClientCaFile(file('bundle.crt', `${a.cert}${a.key}${b.cert}`));
    expect(certs).toHaveLength(2);
    expect(certs[0]!.replace(/\s/g, '')).toBe(a.cert.replace(/\s/g, ''));
    expect(certs[1]!.replace(/\s/g, '')).toBe(b.cert.replace(/\s/g, ''));
  });

  it.each<[string, () => string, string]>([
    ['a missing file', () => join(dir, 'nope.crt'), 'open {path}: no such file or directory'],
    ['an empty file', () => file('empty.crt', ''), 'missing content for CA bundle "client-ca-bundle::{path}"'],
    ['a file without certificates', () => file('key.pem', a.key), 'data does not contain any valid RSA or ECDSA certificates'],
  ])('refuses %s, naming the file', (_name, make, reason) => {
    const path = make();
    const err = (() => {
      try {
        loadClientCaFile(path);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ClientCaFileError);
    expect((err as Error).message).toBe(`unable to load client CA file "${path}": ${reason.replace('{path}', path)}`);
  });
});
