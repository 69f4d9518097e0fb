/**
 * One audit event as one log line, in the two formats of kube-apiserver's log backend
 * (staging/src/k8s.io/apiserver/plugin/pkg/audit/log): `json` (the Event as encoding/json
 * writes it: members in declaration order, map keys sorted, `<`, `>` and `&` escaped) and
 * `legacy` (`audit.EventString`, staging/src/k8s.io/apiserver/pkg/audit/format.go).
 */
import { goQuote } from '../util/go-format.js';
import { goJsonStringify } from '../util/go-json.js';
import { rfc3339Nano } from './micro-time.js';
import { redactText } from './redact.js';
import type { AuditEvent } from './types.js';

export type LogFormat = 'json' | 'legacy';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'legacy'];

/**
 * The event as a JSON line (no newline). Events are built with their members in Go's order and
 * their maps sorted, so this is a plain stringify with Go's HTML escaping; the last sweep drops
 * anything shaped like a token that got past the structured redaction.
 * @example
 * jsonLine(event); // '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata",...}'
 */
export function jsonLine(ev: AuditEvent): string {
  return redactText(goJsonStringify(ev));
}

function quotedList(list: readonly string[]): string {
  return list.map(goQuote).join(',');
}

/**
 * `audit.EventString`: `<time> AUDIT: id="…" stage="…" ip="…" method="…" user="…" groups="…"
 * as="…" asgroups="…" user-agent="…" namespace="…" uri="…" response="…"`.
 * @example
 * legacyLine(event); // '2024-06-06T10:15:42.123456Z AUDIT: id="…" stage="ResponseComplete" ip="127.0.0.1" method="get" ...'
 */
export function legacyLine(ev: AuditEvent): string {
  let username = '<none>';
  let groups = '<none>';
  if (ev.user.username) {
    username = ev.user.username;
    if (ev.user.groups?.length) groups = quotedList(ev.user.groups);
  }
  let as = '<self>';
  let asGroups = '<lookup>';
  if (ev.impersonatedUser) {
    as = ev.impersonatedUser.username ?? '';
    if (ev.impersonatedUser.groups) asGroups = quotedList(ev.impersonatedUser.groups);
  }
  const namespace = ev.objectRef?.namespace || '<none>';
  const response = ev.responseStatus ? String(ev.responseStatus.code ?? 0) : '<deferred>';
  const ip = ev.sourceIPs?.[0] ?? '<unknown>';
  const q = goQuote;
  return redactText(
    `${rfc3339Nano(ev.requestReceivedTimestamp)} AUDIT: id=${q(ev.auditID)} stage=${q(ev.stage)} ip=${q(ip)} method=${q(ev.verb)} user=${q(username)} groups=${q(groups)} as=${q(as)} asgroups=${q(asGroups)} user-agent=${q(ev.userAgent ?? '')} namespace=${q(namespace)} uri=${q(ev.requestURI)} response="${response}"`,
  );
}

/** The line writer of a format. */
export function formatter(format: LogFormat): (ev: AuditEvent) => string {
  return format === 'legacy' ? legacyLine : jsonLine;
}
