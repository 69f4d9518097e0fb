import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type Clock, rfc3339 } from '../../src/clock/index.js';
import type { ConfigMap, Pod, Secret, TokenRequest } from '../../src/registry/types.js';

export { seededRandom } from '../helpers/random.js';

/** A TokenRequest API that signs nothing: distinct tokens, `expirationTimestamp = now + expirationSeconds`. */
export class FakeTokenApi {
  readonly calls: Array<{ at: number; namespace: string; name: string; tr: TokenRequest }> = [];
  /** successful answers, in order */
  readonly issued: TokenRequest[] = [];
  /** while set, every call fails with it */
  failWith: Error | undefined;
  /** while set, calls wait for this promise before answering */
  gate: Promise<void> | undefined;

  constructor(private readonly clock: Clock) {}

  readonly getToken = async (namespace: string, name: string, tr: TokenRequest): Promise<TokenRequest> => {
    this.calls.push({ at: this.clock.now(), namespace, name, tr });
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    const seconds = tr.spec.expirationSeconds ?? 3600;
    const n = this.calls.length;
    const answer: TokenRequest = {
      ...tr,
      metadata: { ...tr.metadata },
      spec: { ...tr.spec, expirationSeconds: seconds },
      status: { token: `eyJhbGciOiJSUzI1NiJ9.payload-${n}-${tr.spec.audiences?.[0] ?? 'api'}.sig${n}`, expirationTimestamp: rfc3339(this.clock.now() + seconds * 1000) },
    };
    this.issued.push(answer);
    return answer;
  };

  /** the newest token issued for an audience (`null`: the API audiences) */
  latest(audience: string | null): TokenRequest | undefined {
    return this.issued.filter((t) => (t.spec.audiences?.[0] ?? null) === audience).at(-1);
  }

  callsFor(audience: string | null): number {
    return this.calls.filter((c) => (c.tr.spec.audiences?.[0] ?? null) === audience).length;
  }
}

/** ConfigMap and Secret getters over plain maps, counting calls. */
export class FakeObjects {
  readonly configMaps = new Map<string, ConfigMap>();
  readonly secrets = new Map<string, Secret>();
  calls = 0;
  readonly getConfigMap = async (ns: string, name: string) => (this.calls++, this.configMaps.get(`${ns}/${name}`));
  readonly getSecret = async (ns: string, name: string) => (this.calls++, this.secrets.get(`${ns}/${name}`));
}

/** A pino logger writing into an array of lines, to assert what was (not) logged. */
export function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A fresh directory under the OS temp dir, and its removal. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `satoken-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const ROOT_CA: ConfigMap = { metadata: { name: 'kube-root-ca.crt', namespace: 'default' }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } };

/** The volume ServiceAccount admission adds (§7.2). */
export const KUBE_API_ACCESS = {
  name: 'kube-api-access-kdlt5',
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  },
};

/** A web-identity volume as EKS's pod identity webhook adds it. */
export const AWS_IDENTITY = {
  name: 'aws-iam-token',
  projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'aws/token' } }] },
};

export function makePod(overrides: { uid?: string; name?: string; spec?: Partial<Pod['spec']>; labels?: Record<string, string> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: overrides.name ?? 'web', namespace: 'default', uid: overrides.uid ?? '5a1c2f4e-0000-4000-8000-000000000001', labels: overrides.labels ?? { app: 'web' } },
    spec: { serviceAccountName: 'default', nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx' }], volumes: [KUBE_API_ACCESS, AWS_IDENTITY], ...overrides.spec },
  };
}
