/**
 * Small hand-written fakes for the token path's unit tests: Kubernetes' test keys, a signer that
 * writes any header and payload, an object getter that counts its calls, and object builders.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { ManualClock } from '../../src/clock/index.js';
import { errors } from '../../src/errors/index.js';
import { KeySet } from '../../src/keys/index.js';
import type { Node, ObjectMeta, Pod, Secret, ServiceAccount } from '../../src/registry/types.js';
import type { TokenObjectGetter } from '../../src/registry/token-object-getter.js';
import { EC_PRIVATE_KEY, RSA_PRIVATE_KEY } from '../keys/fixtures.js';

/** 2018-01-01T00:00:00Z, the `now` of pkg/serviceaccount/claims_test.go */
export const NOW = 1514764800;

export const rsaPrivateKey = createPrivateKey(RSA_PRIVATE_KEY);
export const ecPrivateKey = createPrivateKey(EC_PRIVATE_KEY);
/** signs RS256 with Kubernetes' test RSA key (kid JHJehTTT...) */
export const rsaKeys = new KeySet({ signingKey: rsaPrivateKey });
/** signs ES256 with Kubernetes' test EC key (kid SoABiie...) */
export const ecKeys = new KeySet({ signingKey: ecPrivateKey });

export const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64url');

/** A compact JWS of any header and payload, signed with `key` as `alg` says (raw r||s for ES*). */
export function signJws(header: object, payload: unknown, key: KeyObject = rsaPrivateKey, alg = (header as { alg?: string }).alg ?? 'RS256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const hash = { RS256: 'sha256', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' }[alg] ?? 'sha256';
  const sig = alg.startsWith('ES') ? sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }) : sign(hash, Buffer.from(input), key);
  return `${input}.${sig.toString('base64url')}`;
}

export function manualClock(seconds = NOW): ManualClock {
  return new ManualClock(seconds * 1000);
}

export const meta = (name: string, uid: string, more: Partial<ObjectMeta> = {}): ObjectMeta => ({ name, uid, ...more });
export const serviceAccount = (ns: string, name: string, uid: string, more: Partial<ObjectMeta> = {}, secrets?: { name: string }[]): ServiceAccount =>
  ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, uid, { namespace: ns, ...more }), ...(secrets ? { secrets } : {}) }) as ServiceAccount;
export const pod = (ns: string, name: string, uid: string, more: Partial<ObjectMeta> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name, uid, { namespace: ns, ...more }), spec: { containers: [] } }) as unknown as Pod;
export const secret = (ns: string, name: string, uid: string, more: Partial<ObjectMeta> = {}, data?: Record<string, string>): Secret =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: meta(name, uid, { namespace: ns, ...more }), ...(data ? { data } : {}) }) as Secret;
export const node = (name: string, uid: string, more: Partial<ObjectMeta> = {}): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: meta(name, uid, more) }) as Node;

/**
 * pkg/serviceaccount's fakeGetter: the objects it holds (by `ns/name`, nodes by name), each miss
 * the NotFound StatusError the informers' getter answers; every call is counted.
 */
export class FakeGetter implements TokenObjectGetter {
  readonly calls: string[] = [];
  constructor(private readonly objects: { serviceAccounts?: ServiceAccount[]; pods?: Pod[]; secrets?: Secret[]; nodes?: Node[] } = {}) {}

  getServiceAccount(namespace: string, name: string): ServiceAccount {
    this.calls.push(`serviceaccounts ${namespace}/${name}`);
    return this.find(this.objects.serviceAccounts, namespace, name, 'serviceaccounts');
  }
  getPod(namespace: string, name: string): Pod {
    this.calls.push(`pods ${namespace}/${name}`);
    return this.find(this.objects.pods, namespace, name, 'pods');
  }
  getSecret(namespace: string, name: string): Secret {
    this.calls.push(`secrets ${namespace}/${name}`);
    return this.find(this.objects.secrets, namespace, name, 'secrets');
  }
  getNode(name: string): Node {
    this.calls.push(`nodes ${name}`);
    return this.find(this.objects.nodes, undefined, name, 'nodes');
  }

  private find<T extends { metadata: ObjectMeta }>(list: T[] | undefined, namespace: string | undefined, name: string, resource: string): T {
    const o = (list ?? []).find((x) => x.metadata.name === name && (namespace === undefined || x.metadata.namespace === namespace));
    if (!o) throw errors.notFound(resource, name);
    return o;
  }
}

/** RFC 3339 of Unix seconds, as a deletionTimestamp. */
export const at = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
