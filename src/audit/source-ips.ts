/**
 * `utilnet.SourceIPs` (staging/src/k8s.io/apimachinery/pkg/util/net/http.go): the IPs of
 * `X-Forwarded-For` (each valid one, in order), `X-Real-Ip` unless already listed, then the
 * connection's address unless it is the last one listed; each written as Go's `net.IP.String()`
 * (IPv4-mapped addresses as dotted IPv4, IPv6 compressed as RFC 5952).
 */
import { isIPv6 } from 'node:net';

/** `netutils.ParseIPSloppy` then `String()`: the canonical text of an IP, or undefined. */
export function canonicalIp(s: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) return ipv4(s);
  if (s.includes('%') || !isIPv6(s)) return undefined;
  const words = ipv6Words(s);
  if (!words) return undefined;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) return `${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}`;
  // the longest run of two or more zero words (the first of equals) becomes "::"
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function ipv4(s: string): string | undefined {
  const parts = s.split('.').map(Number);
  return parts.every((p) => p <= 255) ? parts.join('.') : undefined;
}

/** The eight 16-bit words of a valid IPv6 address (a dotted IPv4 tail allowed). */
function ipv6Words(s: string): number[] | undefined {
  let text = s.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = ipv4(tail[1]!);
    if (!v4) return undefined;
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -tail[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const fill = rest === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...Array(fill).fill('0'), ...right];
  if (all.length !== 8) return undefined;
  return all.map((h) => parseInt(h, 16));
}

/**
 * The source IPs of a request, as an audit event lists them.
 * @example
 * sourceIps({ 'x-forwarded-for': '10.0.0.1, junk, 10.0.0.2' }, '::ffff:127.0.0.1'); // ['10.0.0.1', '10.0.0.2', '127.0.0.1']
 */
export function sourceIps(headers: Readonly<Record<string, string | string[] | undefined>>, remoteAddress: string | undefined): readonly string[] {
  const forwarded = first(headers['x-forwarded-for']);
  const realIp = first(headers['x-real-ip']);
  // the usual request: no proxy headers, a connection address seen before
  if (!forwarded && !realIp && remoteAddress !== undefined) {
    let known = BY_REMOTE.get(remoteAddress);
    if (!known) {
      if (BY_REMOTE.size >= 1024) BY_REMOTE.clear();
      const ip = canonicalIp(remoteAddress);
      known = Object.freeze(ip ? [ip] : []);
      BY_REMOTE.set(remoteAddress, known);
    }
    return known;
  }
  const out: string[] = [];
  if (forwarded) {
    for (const part of forwarded.split(',')) {
      const ip = canonicalIp(part.trim());
      if (ip) out.push(ip);
    }
  }
  if (realIp) {
    const ip = canonicalIp(realIp);
    if (ip && !out.includes(ip)) out.push(ip);
  }
  const remote = remoteAddress === undefined ? undefined : canonicalIp(remoteAddress);
  if (remote && out[out.length - 1] !== remote) out.push(remote);
  return out;
}

/** The source IPs of requests without proxy headers, by connection address (shared, frozen). */
const BY_REMOTE = new Map<string, readonly string[]>();

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
