/**
 * Recorded requests as a human table (`satoken audit`, and the assertion helper's messages):
 * TIME, USER, CREDENTIAL, VERB, RESOURCE, NAMESPACE, NAME, CODE, with columns as wide as their
 * widest cell, as kubectl prints tables.
 */
import type { TokenLineage } from './token-lineage.js';
import { type AuditEvent, CREDENTIAL_ID_EXTRA } from './types.js';

export const TABLE_COLUMNS = ['TIME', 'USER', 'CREDENTIAL', 'VERB', 'RESOURCE', 'NAMESPACE', 'NAME', 'CODE'] as const;

/** Control characters would let a hostile user name or path redraw the terminal: they are shown escaped. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The cells of one event's row. */
export function eventRow(ev: AuditEvent): string[] {
  const user = ev.impersonatedUser ? `${ev.user.username ?? ''} (as ${ev.impersonatedUser.username ?? ''})` : (ev.user.username ?? '');
  const ref = ev.objectRef;
  const resource = ref ? `${ref.resource ?? ''}${ref.subresource ? `/${ref.subresource}` : ''}` : ev.requestURI.split('?')[0]!;
  const time = ev.requestReceivedTimestamp.replace(/(\.\d{3})\d*Z$/, '$1Z');
  return [time, user || '<none>', (ev.user.extra?.[CREDENTIAL_ID_EXTRA] ?? []).join(','), ev.verb, resource, ref?.namespace ?? '', ref?.name ?? '', String(ev.responseStatus?.code ?? '')].map(printable);
}

/**
 * Aligned rows under a header line; `extra` adds columns at the end (the assertion helper's
 * MISMATCH).
 * @example
 * renderTable(recorder.list({ verb: 'get' }));
 * // TIME                      USER                                 CREDENTIAL    VERB  RESOURCE  NAMESPACE  NAME   CODE
 * // 2024-06-06T10:15:42.123Z  system:serviceaccount:default:app    JTI=6f1c…     get   pods      default    web-0  200
 */
export function renderTable(events: readonly AuditEvent[], extra?: { header: string; cells: readonly string[] }): string {
  const header: string[] = [...TABLE_COLUMNS, ...(extra ? [extra.header] : [])];
  const rows = events.map((ev, i) => [...eventRow(ev), ...(extra ? [printable(extra.cells[i] ?? '')] : [])]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/**
 * A token's lineage in words, then its uses as a table.
 * @example
 * renderLineage(tokenLineage(events, jti));
 * // token JTI=6f1c… issued 2024-06-06T10:15:42.123Z by system:node:node-1 for default/app (201)
 * //   audiences: https://kubernetes.default.svc.cluster.local; bound to Pod web-0 (uid …); expires 2025-06-06T10:15:42Z
 * // 3 requests made with it:
 * // TIME ...
 */
export function renderLineage(l: TokenLineage): string {
  const out: string[] = [];
  const i = l.issued;
  if (i) {
    const who = i.impersonatedUser ? `${i.user.username ?? '<none>'} (as ${i.impersonatedUser.username ?? ''})` : (i.user.username ?? '<none>');
    out.push(`token ${l.credentialId} issued ${i.time.replace(/(\.\d{3})\d*Z$/, '$1Z')} by ${printable(who)} for ${i.serviceAccount.namespace}/${i.serviceAccount.name} (${i.code ?? '?'})`);
    const details: string[] = [];
    if (i.audiences) details.push(`audiences: ${i.audiences.join(', ')}`);
    if (i.boundObjectRef) details.push(`bound to ${i.boundObjectRef.kind ?? '?'} ${i.boundObjectRef.name ?? ''}${i.boundObjectRef.uid ? ` (uid ${i.boundObjectRef.uid})` : ''}`);
    if (i.expirationTimestamp) details.push(`expires ${i.expirationTimestamp}`);
    if (details.length) out.push(`  ${printable(details.join('; '))}`);
  } else {
    out.push(`token ${l.credentialId}: its TokenRequest is not in the records (issued earlier, not selected by the audit policy, or evicted)`);
  }
  out.push(`${l.uses.length} request${l.uses.length === 1 ? '' : 's'} made with it${l.uses.length ? ':' : ''}`);
  let text = `${out.join('\n')}\n`;
  if (l.uses.length) text += renderTable(l.uses.map((u) => u.event));
  return text;
}
