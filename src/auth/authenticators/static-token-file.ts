import { readFileSync } from 'node:fs';
import type { UserInfo } from '../../registry/types.js';
import { sha256 } from '../../util/sha256.js';
import { intersectAudiences } from './jwt-authenticator.js';
import type { PresentedToken, TokenAuthenticator } from './bearer-token-chain.js';

/**
 * `--token-auth-file`: CSV lines `token,user,uid[,"group1,group2"]`
 * (staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/tokenfile). Users get
 * `system:authenticated` added, as the request chain does.
 */
export function parseTokenFile(text: string, path: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const cols = splitCsv(line);
    if (cols.length < 3) {
      throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${cols.length} (line ${i + 1})`);
    }
    const [token, name, uid, groups] = cols as [string, string, string, string | undefined];
    const g = groups ? groups.split(',').map((s) => s.trim()).filter(Boolean) : [];
    tokens.set(tokenHash(token), { username: name, uid, groups: [...g, 'system:authenticated'], extra: {} });
  });
  return tokens;
}

/** encoding/csv for one line: quoted fields may hold commas and doubled quotes. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else v += line[i++];
      }
      out.push(v);
      i++;
    } else {
      const j = line.indexOf(',', i);
      const end = j === -1 ? line.length : j;
      out.push(line.slice(i, end).trim());
      i = end + 1;
    }
  }
  return out;
}

/**
 * How token maps key their tokens: SHA-256, base64url (the token itself is never kept), the
 * same digest the review cache keys by ({@link PresentedToken.digest}), so a request hashes
 * its token once.
 */
export function tokenHash(token: string): string {
  return sha256(token, 'base64url');
}

/**
 * A bearer-token authenticator over a token file, read once. Like every audience-agnostic
 * authenticator in kube-apiserver (`WrapAudienceAgnosticToken`), it answers only for the API
 * audiences.
 * @example
 * const auth = staticTokenAuthenticator('.satoken/tokens.csv', ['https://kubernetes.default.svc.cluster.local']);
 */
export function staticTokenAuthenticator(path: string, apiAudiences: readonly string[]): TokenAuthenticator {
  return tokenMapAuthenticator(parseTokenFile(readFileSync(path, 'utf8'), path), apiAudiences);
}

export function tokenMapAuthenticator(tokens: Map<string, UserInfo>, apiAudiences: readonly string[]): TokenAuthenticator {
  return (token, audiences) => {
    if (tokens.size === 0) return undefined;
    const user = tokens.get(token.digest);
    if (!user) return undefined;
    const requested = audiences && audiences.length ? audiences : apiAudiences;
    const auds = intersectAudiences(apiAudiences, requested);
    if (apiAudiences.length && auds.length === 0) return undefined;
    return { user, audiences: auds };
  };
}
