import { createHash, randomBytes } from 'node:crypto';

/** Temporary credentials STS issued, with what they stand for. */
export interface IssuedAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** milliseconds since the epoch */
  expiration: number;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` */
  assumedRoleArn: string;
  /** `<role id>:<session>` */
  assumedRoleId: string;
  account: string;
  /** the exchanged token's credential id (`JTI=<jti>`), when it had a jti */
  credentialId: string | undefined;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += BASE32[bytes[i % bytes.length]! & 31];
  return out;
}

/**
 * The role's unique id as IAM shapes one (`AROA` and 17 characters), derived from its ARN so that
 * a role keeps its id for the life of its declaration.
 */
export function roleId(arn: string): string {
  return `AROA${base32(createHash('sha256').update(arn).digest(), 17)}`;
}

/** The parts of a role ARN: partition, account and the role's name (its last path segment). */
export function roleArnParts(arn: string): { partition: string; account: string; name: string } {
  const [, partition = 'aws', , , account = '', resource = ''] = arn.split(':');
  return { partition, account, name: resource.slice(resource.lastIndexOf('/') + 1) };
}

/**
 * The temporary credentials one STS endpoint issued, kept in memory until they expire (a
 * restart forgets them, as the caller's next refresh would replace them anyway). Access key ids
 * are shaped as STS's (`ASIA` and 16 characters), secrets 40 characters, session tokens opaque.
 * @example
 * const store = new StsCredentialStore();
 * const creds = store.issue({ roleArn, sessionName: 's', expiration: now + 3600_000, credentialId: 'JTI=…' });
 */
export class StsCredentialStore {
  private readonly byAccessKey = new Map<string, IssuedAwsCredentials>();

  constructor(private readonly maxEntries = 100_000) {}

  issue(o: { roleArn: string; sessionName: string; expiration: number; credentialId: string | undefined; now: number }): IssuedAwsCredentials {
    if (this.byAccessKey.size >= this.maxEntries) this.prune(o.now);
    const { partition, account, name } = roleArnParts(o.roleArn);
    const creds: IssuedAwsCredentials = {
      accessKeyId: `ASIA${base32(randomBytes(16), 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(192).toString('base64'),
      expiration: o.expiration,
      assumedRoleArn: `arn:${partition}:sts::${account}:assumed-role/${name}/${o.sessionName}`,
      assumedRoleId: `${roleId(o.roleArn)}:${o.sessionName}`,
      account,
      credentialId: o.credentialId,
    };
    this.byAccessKey.set(creds.accessKeyId, creds);
    return creds;
  }

  /** The credentials of an access key id, expired ones included (the caller decides). */
  get(accessKeyId: string): IssuedAwsCredentials | undefined {
    return this.byAccessKey.get(accessKeyId);
  }

  get size(): number {
    return this.byAccessKey.size;
  }

  /** Forgets expired credentials; when none had expired, the oldest tenth. */
  private prune(now: number): void {
    for (const [k, c] of this.byAccessKey) if (c.expiration <= now) this.byAccessKey.delete(k);
    if (this.byAccessKey.size < this.maxEntries) return;
    let drop = Math.ceil(this.maxEntries / 10);
    for (const k of this.byAccessKey.keys()) {
      if (drop-- <= 0) break;
      this.byAccessKey.delete(k);
    }
  }
}
